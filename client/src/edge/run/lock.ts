// The per-device deploy lock: a directory made with `mkdir` under Pier's state folder on the
// device (atomic on every file system, no flock needed), so two deploys to one device never
// interleave, whichever computers they come from. A deploy that finds it taken waits a bounded
// time, saying who holds it; a lock whose holder went away (no heartbeat, no switch running on
// the device) is broken with a message instead of blocking the device for ever.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SshConnection } from '../ssh/connection';
import { DeviceShell, deviceShell } from '../ship/device-shell';
import { DEFAULT_STATE_DIR } from './device-state';
import { LOCK_SCRIPT, LOCK_TOUCH_SCRIPT } from './device-scripts';

/** Seconds without a heartbeat after which a lock with no switch running counts as abandoned. */
export const STALE_AFTER_SEC = 90;
const BEAT_MS = 15_000;

/** The lock could not be had in time. */
export class DeviceBusyError extends Error {
  override name = 'DeviceBusyError';
}

/** A held lock; `release` is safe to call more than once. */
export interface DeviceLock {
  id: string;
  release(): Promise<void>;
}

/** Options of `acquireDeviceLock`. */
export interface LockOptions {
  /** Seconds to wait for another deploy (0 refuses at once). */
  waitSec: number;
  /** What this deploy is, for the message another deploy shows while it waits. */
  what: string;
  stateDir?: string;
  signal?: AbortSignal;
  /** Told when the lock is taken by someone else, or an abandoned one is broken. */
  onMessage?(line: string, level: 'info' | 'warning'): void;
}

/** Take the device's deploy lock, waiting up to `waitSec`; throws DeviceBusyError when it cannot. */
export async function acquireDeviceLock(conn: SshConnection, o: LockOptions): Promise<DeviceLock> {
  const dir = o.stateDir ?? DEFAULT_STATE_DIR;
  const id = randomBytes(8).toString('hex');
  const who = `${o.what} from ${hostname()} (pid ${process.pid}) since ${new Date().toISOString()}`;
  const device = conn.target.name;
  let outcome: string | undefined;
  const onLine = (line: string) => {
    if (line.startsWith('@@held ')) {
      const [, age, ...rest] = line.split(' ');
      o.onMessage?.(`${device} is busy: another deploy holds it (${rest.join(' ') || 'unknown holder'}; last sign of life ${age} s ago); waiting up to ${o.waitSec} s for it to finish`, 'warning');
    } else if (line.startsWith('@@stale ')) {
      o.onMessage?.(`${device}: broke an abandoned deploy lock (${line.slice(8) || 'unknown holder'}: no sign of life for over ${STALE_AFTER_SEC} s and no switch running)`, 'warning');
    } else if (line.startsWith('@@acquired') || line.startsWith('@@timeout') || line.startsWith('@@error')) outcome = line;
  };
  const argv = (waitSec: number) => ['sh', '-c', LOCK_SCRIPT, 'pier-sh', dir, String(waitSec), id, who, String(STALE_AFTER_SEC)];
  // First a look without waiting, in the connection's device shell (no new session). A wait
  // happens on the device, in one command for the whole wait rather than a poll per second over
  // the link, and in a shell of its own: the connection's shared shell must stay free for the
  // deploy that holds the lock when both run in this process over one connection.
  let r = await deviceShell(conn).run(argv(0), { signal: o.signal, onLine: (l) => (l.startsWith('@@held ') ? undefined : onLine(l)) });
  if (outcome?.startsWith('@@timeout') && o.waitSec > 0) {
    outcome = undefined;
    const own = new DeviceShell(conn);
    try {
      r = await own.run(argv(o.waitSec), { signal: o.signal, onLine });
    } finally {
      own.close();
    }
  }
  if (outcome === '@@acquired') return heldLock(conn, dir, id);
  if (outcome?.startsWith('@@timeout')) {
    throw new DeviceBusyError(`${device} is busy: another deploy (${outcome.slice(10) || 'unknown holder'}) ${o.waitSec > 0 ? `still held it after ${o.waitSec} s` : 'holds it and this one was set not to wait (lockWait 0)'}, so it was not started and nothing was changed. Try again when it is done.`);
  }
  throw new DeviceBusyError(`could not take the deploy lock on ${device}: ${outcome?.slice(8) ?? (r.stderr.trim() || `exit ${r.code}`)}`);
}

function heldLock(conn: SshConnection, dir: string, id: string): DeviceLock {
  const touch = (what: 'beat' | 'release') => deviceShell(conn).run(['sh', '-c', LOCK_TOUCH_SCRIPT, 'pier-sh', dir, what, id], { signal: AbortSignal.timeout(what === 'beat' ? 20_000 : 60_000) });
  // The heartbeat tells a waiting deploy that this one is alive, however long its health wait is.
  const timer = setInterval(() => void touch('beat').catch(() => undefined), BEAT_MS);
  timer.unref();
  let released = false;
  return {
    id,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await touch('release').catch(() => undefined);
    },
  };
}
