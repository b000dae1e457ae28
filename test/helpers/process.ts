// Test daemons (sshd, docker-registry, ...) started as child processes: a free loopback port,
// readiness awaited on the daemon's own "listening" line (an event, with a time limit), and a stop
// by the child's PID that waits until it is gone. One helper, so every harness starts and stops
// its daemons the same way.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, as the kernel hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Stop a child by its PID (SIGTERM) and wait for it to be gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await gone;
}

/** A daemon that printed its ready line. */
export interface TestProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Why a daemon did not become ready: it exited, or the time ran out; `log` is its output. */
export class ProcessNotReady extends Error {
  constructor(
    readonly command: string,
    readonly reason: 'exited' | 'timeout',
    readonly log: string,
  ) {
    super(`${command} did not start (${reason === 'exited' ? 'it exited' : 'no ready line in time'}):\n${log}`);
  }
}

/**
 * Spawn `command` and resolve once its output (stdout or stderr) matches `ready`; reject with
 * ProcessNotReady when it exits first or `timeoutMs` passes (the child is stopped then).
 */
export async function startProcess(command: string, args: readonly string[], o: { ready: RegExp; timeoutMs?: number }): Promise<TestProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const outcome = await new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), o.timeoutMs ?? 20_000);
    const onData = (d: Buffer) => {
      log += d.toString('utf8');
      if (o.ready.test(log)) {
        clearTimeout(timer);
        resolve('ready');
      }
    };
    // Output keeps being read (and kept for log()) so a chatty daemon never blocks on a full pipe.
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', () => {
      clearTimeout(timer);
      resolve('exited');
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve('exited');
    });
  });
  if (outcome !== 'ready') {
    await stopChild(child);
    throw new ProcessNotReady(command, outcome, log);
  }
  return { child, pid: child.pid!, log: () => log, stop: () => stopChild(child) };
}
