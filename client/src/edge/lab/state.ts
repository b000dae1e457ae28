// The lab's record of what it made, kept under stateRoot() so any process can find, show and
// stop a lab; and the lock that makes concurrent up/down calls take turns.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { MAX_SLOT, stateRoot } from './names';
import type { LabState } from './types';
import { LabError } from './types';

/** Directory of lab `name`'s state: state.json and the lab's ssh keys. */
export function labStateDir(name: string): string {
  return join(stateRoot(), name);
}

/** Read lab `name`'s state, or undefined when there is none (or it is unreadable). */
export function readState(name: string): LabState | undefined {
  try {
    const s = JSON.parse(readFileSync(join(labStateDir(name), 'state.json'), 'utf8')) as LabState;
    return s && s.version === 1 && Array.isArray(s.devices) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Write the state atomically, so a reader never sees half a file. */
export function writeState(state: LabState): void {
  const dir = labStateDir(state.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `state.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, join(dir, 'state.json'));
}

/** Remove lab `name`'s state directory (keys included). */
export function removeState(name: string): void {
  rmSync(labStateDir(name), { recursive: true, force: true });
}

/** Names of every lab with a state directory. */
export function listLabNames(): string[] {
  try {
    return readdirSync(stateRoot(), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.endsWith('.lock'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The slot a new lab gets: 0 for the default lab, else the lowest slot no other lab holds. */
export function pickSlot(name: string): number {
  const taken = new Set(listLabNames().filter((n) => n !== name).map((n) => readState(n)?.slot).filter((s): s is number => s !== undefined));
  const start = name === 'default' ? 0 : 1;
  for (let s = start; s <= MAX_SLOT; s++) if (!taken.has(s)) return s;
  if (!taken.has(0)) return 0;
  throw new LabError(`all ${MAX_SLOT + 1} lab slots are taken; run 'pier lab down' for labs you no longer need`);
}

/**
 * Run `fn` holding the lab lock. One lock covers every lab on the machine: up, down and link
 * changes are short, and a single lock keeps slot choice and the shared build engine simple.
 * A lock whose holder died goes stale after a few seconds and is taken over.
 */
export async function withLabLock<T>(fn: () => Promise<T>, o: { signal?: AbortSignal; onWait?: () => void } = {}): Promise<T> {
  mkdirSync(stateRoot(), { recursive: true, mode: 0o700 });
  const target = join(stateRoot(), 'lab');
  let release: (() => Promise<void>) | undefined;
  let told = false;
  const deadline = Date.now() + 15 * 60_000;
  while (!release) {
    if (o.signal?.aborted) throw new LabError('cancelled while waiting for another lab command to finish');
    try {
      release = await lockfile.lock(target, { realpath: false, stale: 10_000, update: 2_000, onCompromised: () => undefined });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      if (Date.now() > deadline) throw new LabError('another lab command has held the lab lock for 15 minutes; is it stuck?');
      if (!told) o.onWait?.();
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
