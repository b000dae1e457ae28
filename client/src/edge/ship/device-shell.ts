// One long-lived `sh` on the device per connection, for the ship step's short commands. Every exec
// costs a session and a login shell on the device (and whatever its rc files run), which on a
// slow device or link costs more than the command itself; the shell pays it once. Commands are
// still made by the quoting helper: each is one line of `buildCommand` text, its stdin is
// /dev/null, and markers with a per-shell nonce frame its output and exit status.

import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from '../ssh/connection';
import { DeviceError, deviceErrors } from '../ssh/errors';
import { spawnRemote } from '../ssh/exec';
import { buildCommand } from '../ssh/quote';
import type { RuntimeName } from '../devices/list';
import { parseProbeOutput, type ProbeResult } from '../devices/probe';
import { PROBE_SCRIPT } from '../devices/probe-script';

/** The outcome of one command in the shell. */
export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface Pending {
  resolve(r: ShellResult): void;
  reject(e: unknown): void;
  out: string;
  err: string;
  code?: number;
  errDone: boolean;
  onLine?(line: string): void;
}

/** A shell on the device that runs one command at a time. */
export class DeviceShell {
  private channel: ClientChannel | undefined;
  private opening: Promise<ClientChannel> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private current: Pending | undefined;
  private readonly nonce = randomBytes(8).toString('hex');
  private outBuf = '';
  private errBuf = '';

  constructor(private readonly conn: SshConnection) {}

  /** Run `argv` and resolve with its exit status and output; commands queue behind each other. */
  run(argv: readonly string[], o: { signal?: AbortSignal; onLine?: (line: string) => void } = {}): Promise<ShellResult> {
    const line = buildCommand(argv);
    const job = this.queue.then(() => this.exec(line, o));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Close the shell (a running command goes on until it ends, without an audience). */
  close(): void {
    this.channel?.close();
    this.channel = undefined;
  }

  private async ensure(signal?: AbortSignal): Promise<ClientChannel> {
    if (this.channel) return this.channel;
    this.opening ??= spawnRemote(this.conn, ['sh'], {
      signal,
      setup: (ch) => {
        ch.setEncoding('utf8');
        ch.stderr.setEncoding('utf8');
        ch.on('data', (d: string) => this.onOut(d));
        ch.stderr.on('data', (d: string) => this.onErr(d));
        ch.once('close', () => {
          if (this.channel === ch) this.channel = undefined;
          const p = this.current;
          this.current = undefined;
          p?.reject(deviceErrors.connectionLost(this.conn.target.name));
        });
      },
    }).finally(() => (this.opening = undefined));
    this.channel = await this.opening;
    return this.channel;
  }

  private exec(line: string, o: { signal?: AbortSignal; onLine?: (line: string) => void }): Promise<ShellResult> {
    return new Promise((resolve, reject) => {
      if (o.signal?.aborted) return reject(deviceErrors.aborted(this.conn.target.name));
      const p: Pending = { resolve, reject, out: '', err: '', errDone: false, onLine: o.onLine };
      const onAbort = () => {
        // The command cannot be interrupted through this shell; drop the shell instead.
        this.current = undefined;
        this.close();
        reject(deviceErrors.aborted(this.conn.target.name));
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (fn: () => void) => {
        o.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      p.resolve = (r) => settle(() => resolve(r));
      p.reject = (e) => settle(() => reject(e));
      this.ensure(o.signal).then(
        (ch) => {
          this.current = p;
          this.outBuf = '';
          this.errBuf = '';
          ch.write(`${line} </dev/null; printf '\\n@@pier-end ${this.nonce} %s\\n' "$?"; printf '\\n@@pier-end ${this.nonce}\\n' >&2\n`);
        },
        (e) => p.reject(e instanceof DeviceError ? e : deviceErrors.connectionLost(this.conn.target.name, e)),
      );
    });
  }

  private onOut(d: string): void {
    this.outBuf += d;
    const p = this.current;
    let i: number;
    while ((i = this.outBuf.indexOf('\n')) >= 0) {
      const l = this.outBuf.slice(0, i);
      this.outBuf = this.outBuf.slice(i + 1);
      const m = new RegExp(`^@@pier-end ${this.nonce} (\\d+)$`).exec(l);
      if (m && p) {
        p.code = Number(m[1]);
        this.finish();
      } else if (p) {
        p.out += `${l}\n`;
        p.onLine?.(l);
      }
    }
  }

  private onErr(d: string): void {
    this.errBuf += d;
    const p = this.current;
    let i: number;
    while ((i = this.errBuf.indexOf('\n')) >= 0) {
      const l = this.errBuf.slice(0, i);
      this.errBuf = this.errBuf.slice(i + 1);
      if (l === `@@pier-end ${this.nonce}` && p) {
        p.errDone = true;
        this.finish();
      } else if (p) p.err += `${l}\n`;
    }
  }

  private finish(): void {
    const p = this.current;
    if (!p || p.code === undefined || !p.errDone) return;
    this.current = undefined;
    // The markers start on a fresh line; the newline put before them is not the command's.
    p.resolve({ code: p.code, stdout: p.out.replace(/\n$/, ''), stderr: p.err.replace(/\n$/, '') });
  }
}

const shells = new WeakMap<SshConnection, DeviceShell>();

/** The shell of a connection, made on first use and kept with the connection. */
export function deviceShell(conn: SshConnection): DeviceShell {
  let s = shells.get(conn);
  if (!s) shells.set(conn, (s = new DeviceShell(conn)));
  return s;
}

const composeSeen = new WeakMap<SshConnection, { runtime?: string; compose: ProbeResult['compose'] }>();

/**
 * The device probe (devices/probe.ts's script and parser) run in the device shell, so a deploy on
 * a connection that is already open pays no new session for it. Compose is asked on the first
 * probe of a connection only and remembered with it: its version costs a process that can take
 * seconds to start (docker-compose v1 is Python), and it does not change between two deploys.
 * With `compose: false` it is not asked at all (compose is then what an earlier probe learnt, if any).
 */
export async function probeViaShell(conn: SshConnection, o: { runtime?: RuntimeName; signal?: AbortSignal; compose?: boolean } = {}): Promise<ProbeResult> {
  // A caller that has no use for Compose (a Dockerfile deploy) does not pay for asking it.
  if (o.compose === false) {
    const r = await deviceShell(conn).run(['sh', '-c', PROBE_SCRIPT, 'pier-probe', 'no-compose'], { signal: o.signal });
    const p = parseProbeOutput(r.stdout, o.runtime);
    if (!p.machine) throw deviceErrors.config(conn.target.name, `The probe of ${conn.target.name} printed nothing usable (exit ${r.code}). Its login shell must be a POSIX shell.`);
    p.compose = composeSeen.get(conn)?.compose;
    return p;
  }
  const seen = composeSeen.get(conn);
  const args = seen ? ['pier-probe', 'no-compose'] : [];
  const r = await deviceShell(conn).run(['sh', '-c', PROBE_SCRIPT, ...args], { signal: o.signal });
  const p = parseProbeOutput(r.stdout, o.runtime);
  if (!p.machine) throw deviceErrors.config(conn.target.name, `The probe of ${conn.target.name} printed nothing usable (exit ${r.code}). Its login shell must be a POSIX shell.`);
  // Compose depends on the runtime chosen; with another runtime than last time, ask again.
  if (seen && seen.runtime !== p.runtime?.name) {
    composeSeen.delete(conn);
    return probeViaShell(conn, o);
  }
  if (seen) p.compose = seen.compose;
  else composeSeen.set(conn, { runtime: p.runtime?.name, compose: p.compose });
  return p;
}
