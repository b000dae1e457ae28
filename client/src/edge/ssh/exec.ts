// Commands, streams, shells and reverse tunnels as channels on a device's one connection. Every
// command is an argument array; the quoting helper is the only thing that turns it into text.

import type { Readable } from 'node:stream';
import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import type { SshConnection } from './connection';
import { DeviceError, deviceErrors } from './errors';
import { buildCommand, buildWithEnv } from './quote';

/** Options of one remote command. */
export interface ExecOptions {
  /** Extra environment, passed through `env` so sshd's AcceptEnv does not matter. */
  env?: Record<string, string>;
  /** Directory to run in on the device. */
  cwd?: string;
  /** Data for the command's standard input; it is closed afterwards. */
  stdin?: string | Buffer | Readable;
  signal?: AbortSignal;
  /** Output kept per stream; more fails the command (default 16 MiB). */
  maxOutputBytes?: number;
}

/** What a finished remote command left. */
export interface ExecResult {
  /** Exit status, or null when it ended by a signal. */
  code: number | null;
  signal?: string;
  stdout: Buffer;
  stderr: Buffer;
}

/** A remote command exited non-zero where success was needed. */
export class CommandFailedError extends DeviceError {
  constructor(
    device: string,
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    const err = result.stderr.toString('utf8').trim().split('\n').slice(-3).join(' / ');
    super('command-failed', device, `'${argv.join(' ')}' failed on ${device} (exit ${result.code ?? result.signal})${err ? `: ${err}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/** Start a command and hand back its channel for streaming; it is closed on abort or link loss. */
export async function spawnRemote(
  conn: SshConnection,
  argv: readonly string[],
  opts: Pick<ExecOptions, 'env' | 'signal' | 'cwd'> & { pty?: PseudoTtyOptions; setup?: (ch: ClientChannel) => void } = {},
): Promise<ClientChannel> {
  // The directory travels as a positional parameter of a fixed script, like every other value.
  const full = opts.cwd === undefined ? argv : ['sh', '-c', 'cd -- "$1" && shift && exec "$@"', 'pier-sh', opts.cwd, ...argv];
  const command = opts.env ? buildWithEnv(opts.env, full) : buildCommand(full);
  return conn.openChannel(
    (c, cb) => (opts.pty ? c.exec(command, { pty: opts.pty }, cb) : c.exec(command, cb)),
    opts.signal,
    (ch) => {
      const onAbort = () => ch.close();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      ch.once('close', () => opts.signal?.removeEventListener('abort', onAbort));
      const stopDrop = conn.onDrop(() => ch.destroy());
      ch.once('close', stopDrop);
      opts.setup?.(ch);
    },
  );
}

/** Run a command to its end and collect its output; rejects only when it could not finish. */
export async function execRemote(conn: SshConnection, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const device = conn.target.name;
  const limit = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  let settle!: { resolve: (r: ExecResult) => void; reject: (e: unknown) => void };
  const done = new Promise<ExecResult>((resolve, reject) => (settle = { resolve, reject }));
  // Listeners go on inside the open callback: exit and close can arrive in the same packet batch.
  const setup = (ch: ClientChannel) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let exit: { code: number | null; signal?: string } | undefined;
    let failure: DeviceError | undefined;
    const stopDrop = conn.onDrop((e) => (failure ??= e));
    const onAbort = () => (failure ??= deviceErrors.aborted(device));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const tooMuch = () => {
      failure ??= new DeviceError('command-failed', device, `'${argv.join(' ')}' on ${device} printed more than ${limit} bytes; stopped.`);
      ch.close();
    };
    ch.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen > limit) return tooMuch();
      out.push(b);
    });
    ch.stderr.on('data', (b: Buffer) => {
      errLen += b.length;
      if (errLen > limit) return tooMuch();
      err.push(b);
    });
    ch.on('exit', (code: number | null, signal?: string) => {
      exit = { code: typeof code === 'number' ? code : null, signal: signal ?? undefined };
    });
    ch.on('error', (e: Error) => (failure ??= deviceErrors.connectionLost(device, e)));
    ch.once('close', () => {
      stopDrop();
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) return settle.reject(failure);
      // A channel that closed without an exit status lost its link mid-way.
      if (!exit) return settle.reject(deviceErrors.connectionLost(device));
      settle.resolve({ ...exit, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    const input = opts.stdin;
    if (input === undefined) ch.end();
    else if (typeof input === 'string' || Buffer.isBuffer(input)) ch.end(input);
    else {
      // A failing input (an archive whose source broke) fails the command: the remote side sees
      // its stdin cut, and the error is told here instead of being thrown with no one listening.
      input.on('error', (e: Error) => {
        failure ??= new DeviceError('command-failed', device, `the input of '${argv.join(' ')}' on ${device} failed: ${e.message}`, { cause: e });
        ch.close();
      });
      input.pipe(ch);
    }
  };
  await spawnRemote(conn, argv, { env: opts.env, signal: opts.signal, cwd: opts.cwd, setup });
  return done;
}

/** Run a command that must succeed; resolves with its standard output as text. */
export async function runRemote(conn: SshConnection, argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await execRemote(conn, argv, opts);
  if (r.code !== 0) throw new CommandFailedError(conn.target.name, argv, r);
  return r.stdout.toString('utf8');
}

/** An interactive login shell with a terminal, for the "open SSH terminal" action. */
export async function openShell(conn: SshConnection, pty: PseudoTtyOptions, signal?: AbortSignal): Promise<ClientChannel> {
  return conn.openChannel((c, cb) => c.shell(pty, cb), signal);
}

/** A reverse tunnel: connections to `bindAddr:port` on the device arrive at `onConnection`. */
export interface RemoteForward {
  /** The port the device listens on (chosen by the device when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

/** Ask the device to listen and pass each connection back over this connection. */
export async function forwardIn(conn: SshConnection, bindAddr: string, port: number, onConnection: (stream: ClientChannel, info: { srcIP: string; srcPort: number }) => void, signal?: AbortSignal): Promise<RemoteForward> {
  const client = await conn.client(signal);
  const bound = await new Promise<number>((resolve, reject) => {
    client.forwardIn(bindAddr, port, (err, p) => (err ? reject(new DeviceError('command-failed', conn.target.name, `${conn.target.name} refused to listen on ${bindAddr}:${port}: ${err.message}`, { cause: err })) : resolve(p || port)));
  });
  const onTcp = (details: { destIP: string; destPort: number; srcIP: string; srcPort: number }, accept: () => ClientChannel) => {
    if (details.destPort !== bound || details.destIP !== bindAddr) return;
    onConnection(accept(), { srcIP: details.srcIP, srcPort: details.srcPort });
  };
  client.on('tcp connection', onTcp);
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        client.removeListener('tcp connection', onTcp);
        try {
          client.unforwardIn(bindAddr, bound, () => resolve());
        } catch {
          resolve();
        }
      }),
  };
}
