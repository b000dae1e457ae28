// Running the host programs the lab drives (ip, tc, dockerd, ssh-keygen, ...), always from an
// argument array and never through a shell, with a plain system PATH.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { LabError } from './types';

/**
 * The PATH every lab program runs with. Tool managers' shims (pyenv, nvm, ...) earlier on a
 * developer's PATH would otherwise be picked for helpers such as mmdebstrap's python filter and
 * slow each call down by a shell start-up, and `docker`'s plug-ins are looked up relative to it.
 */
export const LAB_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment of lab programs: the caller's, with the system PATH and no prompts. */
export function labEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: LAB_PATH, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', ...extra };
}

/**
 * Start a long-lived lab process (an engine, a device's init) on its own: detached from Pier, its
 * output appended to `log`. Resolves with its PID once it runs; `what` names it in the error.
 */
export async function startDetached(cmd: string, args: readonly string[], log: string, what: string): Promise<number> {
  const fd = openSync(log, 'a', 0o600);
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: labEnv() });
  closeSync(fd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (e) => reject(new LabError(`cannot start ${what}: ${e.message}`)));
  });
  child.unref();
  return pid;
}

/** Result of a finished program. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of `run`. */
export interface RunOptions {
  signal?: AbortSignal;
  /** Bytes written to the program's standard input (it gets /dev/null otherwise). */
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFail?: boolean;
  /** Kill the program after this long and fail. */
  timeoutMs?: number;
  /** Each line of standard error as it comes, for progress of long programs. */
  onStderrLine?: (line: string) => void;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/** Run `cmd args...`; throws a LabError naming the program and its last error line on failure. */
export function run(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(abortError(o.signal));
    const child = spawn(cmd, args, { env: labEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'], signal: o.signal, timeout: o.timeoutMs, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      if ((outLen += d.length) <= MAX_CAPTURE) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if ((errLen += d.length) <= MAX_CAPTURE) err.push(d);
      if (o.onStderrLine) {
        const lines = (partial + d.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) o.onStderrLine(l);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (o.signal?.aborted) reject(abortError(o.signal));
      else if (e.code === 'ENOENT') reject(new LabError(`${cmd} is not installed (${e.message})`));
      else reject(new LabError(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      const r = { code: code ?? 128, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (o.signal?.aborted) return reject(abortError(o.signal));
      if (sig && o.timeoutMs) return reject(new LabError(`${cmd} ${args.slice(0, 3).join(' ')} did not finish within ${Math.round(o.timeoutMs / 1000)} s`));
      if (r.code !== 0 && !o.allowFail) return reject(new LabError(`${cmd} ${args.slice(0, 4).join(' ')} failed: ${lastLine(r.stderr) || lastLine(r.stdout) || `exit code ${r.code}`}`));
      resolve(r);
    });
  });
}

/** The last non-empty line of a program's output, which is where tools put the reason. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** The error an aborted lab operation ends with. */
export function abortError(signal: AbortSignal): LabError {
  const reason = signal.reason instanceof Error ? signal.reason.message : signal.reason ? String(signal.reason) : '';
  return new LabError(`cancelled${reason && !/aborted/i.test(reason) ? `: ${reason}` : ''}`);
}

/** Throw if the operation was cancelled. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Resolve when `probe` returns a value, checking every `intervalMs`, or fail after `timeoutMs`
 * with the message `what`. Used for daemons that have no readiness event (a socket appearing).
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, o: { timeoutMs: number; intervalMs?: number; what: string; signal?: AbortSignal }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    checkAbort(o.signal);
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new LabError(o.what);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
}

/** Whether a process with this PID exists (and is not a zombie). */
export function pidAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A zombie still answers kill(0); its state letter in /proc says it is gone.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
