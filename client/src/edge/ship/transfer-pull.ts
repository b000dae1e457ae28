// Shipping by pull: the tunnel registry is reached by the device through an SSH reverse tunnel on
// its loopback (nothing listens on the developer's network), and the device's runtime pulls the
// image by digest. A dropped link is survived by pulling again once the connection is back: the
// runtime keeps the layers it finished, so only the rest is sent again.

import type { SshConnection } from '../ssh/connection';
import { DeviceError } from '../ssh/errors';
import { execRemote, forwardIn, type RemoteForward } from '../ssh/exec';
import type { BlobCache } from './blob-cache';
import type { PreparedImage } from './prepare';
import type { ProgressTracker } from './progress';
import { createTunnelRegistry, type RegistryEvent } from './registry';
import { deviceShell } from './device-shell';
import { PULL_SCRIPT, pullArgv, untagArgv, type ShipRuntime } from './runtime';

/** The device refused to open the reverse tunnel (sshd's AllowTcpForwarding, or a policy). */
export class ForwardingRefused extends Error {
  override name = 'ForwardingRefused';
}

/** The runtime's pull failed for a reason other than the link. */
export class PullFailed extends Error {
  override name = 'PullFailed';
}

/** Options of one pull-based transfer. */
export interface PullOptions {
  img: PreparedImage;
  cache: BlobCache;
  runtime: ShipRuntime;
  /** Repository the registry serves, e.g. `pier/web`. */
  repository: string;
  tag: string;
  progress: ProgressTracker;
  signal?: AbortSignal;
  /** Pull attempts in all (a dropped link costs one). */
  maxAttempts?: number;
  log?(line: string): void;
  /** Every request the registry answered (for tests and the record). */
  requests?: RegistryEvent[];
  /** Told the blob bytes handed to the tunnel, at the end (resends included). */
  onServed?(bytes: number): void;
}

/** Errors that mean the link went away, so another attempt may succeed. */
export function isLinkError(e: unknown): boolean {
  return e instanceof DeviceError && (e.kind === 'connection-lost' || e.kind === 'timeout' || e.kind === 'unreachable');
}

async function closeForward(fwd: RemoteForward | undefined): Promise<void> {
  if (!fwd) return;
  // On a dropped connection the cancel request is never answered; do not wait for it long.
  await Promise.race([fwd.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
}

/**
 * Serve the image through a tunnel while the device pulls it; resolves with the reference the
 * device pulled (`127.0.0.1:PORT/repo@digest`), which the caller tags and then removes.
 */
export async function pullThroughTunnel(conn: SshConnection, o: PullOptions): Promise<string> {
  const { img, cache } = o;
  const configBytes = cache.getBytes(img.config.digest);
  const reg = createTunnelRegistry(
    {
      repository: o.repository,
      tag: o.tag,
      manifest: img.manifest,
      manifestDigest: img.manifestDigest,
      blobs: [{ digest: img.config.digest, size: img.config.size, bytes: configBytes }, ...img.layers.map((l) => ({ digest: l.digest, size: l.size, path: cache.blobPath(l.digest) }))],
    },
    { onBytes: (d, n, off) => o.progress.add(d, n, off), onRequest: (e) => o.requests?.push(e) },
  );
  const max = o.maxAttempts ?? 4;
  let fwd: RemoteForward | undefined;
  // A cancel stops the bytes at once: the registry refuses and drops its connections.
  const stop = () => reg.close();
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let attempt = 1; ; attempt++) {
      let pid: string | undefined;
      try {
        try {
          fwd = await forwardIn(conn, '127.0.0.1', 0, (ch) => reg.accept(ch), o.signal);
        } catch (e) {
          if (isLinkError(e) || o.signal?.aborted) throw e;
          throw new ForwardingRefused(`${conn.target.name} refused the reverse tunnel: ${(e as Error).message}`);
        }
        const ref = `127.0.0.1:${fwd.port}/${o.repository}@${img.manifestDigest}`;
        o.log?.(`pulling ${ref} on ${conn.target.name}${attempt > 1 ? ` (attempt ${attempt} of ${max})` : ''}`);
        const r = await deviceShell(conn).run(['sh', '-c', PULL_SCRIPT, 'pier-sh', ref, ...pullArgv(o.runtime, ref)], { signal: o.signal, onLine: (l) => (pid = /^@@pid (\d+)$/.exec(l)?.[1] ?? pid) });
        if (r.code !== 0) {
          const why = r.stderr.trim().split('\n').pop() || `exit ${r.code}`;
          throw new PullFailed(`${o.runtime.name} pull on ${conn.target.name} failed: ${why}`);
        }
        return ref;
      } catch (e) {
        await closeForward(fwd);
        fwd = undefined;
        // The registry is gone, so the pull cannot finish; stop it now rather than after its retries.
        if (pid && o.signal?.aborted) void execRemote(conn, ['kill', pid], { signal: AbortSignal.timeout(20_000) }).catch(() => undefined);
        if (o.signal?.aborted || e instanceof ForwardingRefused) throw e;
        // A pull that failed because the tunnel went away is a link problem too.
        const retryable = isLinkError(e) || (e instanceof PullFailed && /EOF|connection (reset|refused)|broken pipe|timeout/i.test(e.message));
        if (!retryable || attempt >= max) throw e;
        o.log?.(`the link to ${conn.target.name} dropped during the transfer; waiting for it to come back, then pulling what is still missing`);
        await conn.connect(o.signal);
      }
    }
  } finally {
    o.signal?.removeEventListener('abort', stop);
    reg.close();
    o.onServed?.([...reg.sent].filter(([d]) => d !== img.config.digest).reduce((a, [, n]) => a + n, 0));
    await closeForward(fwd);
  }
}

/** Remove the tunnel reference after tagging (or after a failure), ignoring "no such image". */
export async function dropTunnelRef(conn: SshConnection, rt: ShipRuntime, ref: string): Promise<void> {
  await deviceShell(conn).run(untagArgv(rt, ref), { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
}
