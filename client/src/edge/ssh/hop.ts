// Opening one authenticated SSH session to one hop: TCP (or a tunnel through the previous hop),
// host key verification, authentication, and a connect timeout that does not run while a person
// is being asked for a passphrase or a host key decision.

import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { loadSsh2 } from './ssh2-module';
import { makeAuthHandler } from './auth';
import { deviceErrors, DeviceError, HostKeyChangedError, HostKeyUnknownError, type HostKeyInfo } from './errors';
import { appendKnownHost, checkHostKey, hostKeyInfo, loadKnownHosts, preferredHostKeyAlgorithms } from './known-hosts';
import type { HostKeyPolicy, SecretPrompts, SshEndpoint } from './target';

/** Options for one hop. */
export interface HopOptions {
  device: string;
  endpoint: SshEndpoint;
  /** A stream through the previous hop; absent means a direct TCP connection. */
  sock?: Duplex;
  hostKeys: HostKeyPolicy;
  secrets?: SecretPrompts;
  agentSocket?: string;
  timeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  signal?: AbortSignal;
  log?(line: string): void;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ECONNRESET', 'EPIPE']);

/** A timer that can be paused while a person answers a prompt. */
class PausableTimer {
  private left: number;
  private started = 0;
  private handle: NodeJS.Timeout | undefined;
  private paused = 0;
  constructor(
    ms: number,
    private readonly fire: () => void,
  ) {
    this.left = ms;
    this.resume();
  }
  pause(): void {
    if (this.paused++ === 0 && this.handle) {
      clearTimeout(this.handle);
      this.handle = undefined;
      this.left -= Date.now() - this.started;
    }
  }
  resume(): void {
    if (this.paused > 0 && --this.paused > 0) return;
    this.started = Date.now();
    this.handle = setTimeout(this.fire, Math.max(0, this.left));
  }
  stop(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.paused = Number.POSITIVE_INFINITY;
  }
}

/** Connect and log in to one hop; resolves with the ready client or rejects with a DeviceError. */
export async function connectHop(o: HopOptions): Promise<Client> {
  const ep = o.endpoint;
  const where = `${ep.host}:${ep.port}`;
  const known = await loadKnownHosts([...o.hostKeys.knownHostsFiles, o.hostKeys.pierKnownHostsFile]);
  const tried: string[] = [];
  let timer: PausableTimer | undefined;
  const hooks = { waiting: (on: boolean) => (on ? timer?.pause() : timer?.resume()), tried: (t: string) => tried.push(t) };
  const auth = await makeAuthHandler({ device: o.device, endpoint: ep, agentSocket: o.agentSocket, secrets: o.secrets, hooks });
  const { Client } = await loadSsh2();
  if (o.signal?.aborted) throw deviceErrors.aborted(o.device);

  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let hostKeyError: DeviceError | undefined;
    let settled = false;
    const finish = (err: DeviceError | undefined) => {
      if (settled) return;
      settled = true;
      timer?.stop();
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.destroy();
        reject(err);
      } else resolve(client);
    };
    const onAbort = () => finish(deviceErrors.aborted(o.device));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timer = new PausableTimer(o.timeoutMs, () => finish(deviceErrors.timeout(o.device, where, o.timeoutMs)));

    const verify = async (blob: Buffer): Promise<boolean> => {
      const info: HostKeyInfo = hostKeyInfo(ep.host, ep.port, blob);
      const verdict = checkHostKey(known, ep.host, ep.port, blob);
      if (verdict.status === 'known') return true;
      if (verdict.status === 'changed' || verdict.status === 'revoked') {
        hostKeyError = new HostKeyChangedError(o.device, info, verdict.status === 'changed' ? verdict.knownIn : [verdict.file]);
        return false;
      }
      if (!o.hostKeys.confirmUnknown) {
        hostKeyError = new HostKeyUnknownError(o.device, info);
        return false;
      }
      hooks.waiting(true);
      let yes = false;
      try {
        yes = (await o.hostKeys.confirmUnknown(info, o.device)) === true;
      } finally {
        hooks.waiting(false);
      }
      if (!yes) {
        hostKeyError = new HostKeyUnknownError(o.device, info);
        return false;
      }
      await appendKnownHost(o.hostKeys.pierKnownHostsFile, ep.host, ep.port, blob);
      return true;
    };

    client.on('ready', () => {
      void auth.succeeded().catch(() => undefined);
      finish(undefined);
    });
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return finish(hostKeyError);
      if (e.level === 'client-authentication') return finish(deviceErrors.auth(o.device, ep.user, tried, e));
      if (e.level === 'agent') return; // ssh2 goes on with the next method
      if (e.level === 'client-timeout') return finish(deviceErrors.timeout(o.device, where, o.timeoutMs, e));
      if (e.code && UNREACHABLE.has(e.code)) return finish(deviceErrors.unreachable(o.device, where, e.code, e));
      finish(new DeviceError('unreachable', o.device, `${o.device} at ${where}: ${e.message}. Check that sshd runs on the device and the port is right.`, { cause: e, retryable: true }));
    });
    client.on('close', () => finish(hostKeyError ?? deviceErrors.unreachable(o.device, where, 'connection closed during login')));

    const algorithms = preferredHostKeyAlgorithms(known, ep.host, ep.port);
    client.connect({
      host: ep.host,
      port: ep.port,
      username: ep.user,
      sock: o.sock,
      readyTimeout: 0,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      authHandler: auth,
      hostVerifier: (key: Buffer, cb: (ok: boolean) => void) => {
        verify(key).then(cb, (e) => {
          hostKeyError = new DeviceError('config', o.device, `Could not check the host key of ${o.device}: ${(e as Error).message}`);
          cb(false);
        });
      },
      algorithms: algorithms ? { serverHostKey: algorithms as never } : undefined,
      debug: o.log ? (line) => o.log!(`${o.device}: ${line}`) : undefined,
    });
  });
}
