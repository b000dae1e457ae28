// Where the run step keeps its state on a device, under the login user's home: the deploy lock,
// and per app the versions it ran (in order), each version's container options (so a rollback
// recreates the old container exactly), Compose releases, switch logs and failed versions' logs.

/** Pier's state folder on the device, relative to the login user's home. */
export const DEFAULT_STATE_DIR = '.pier';

/** Paths of one app's state, relative to the home folder. */
export function appPaths(app: string, dir = DEFAULT_STATE_DIR) {
  const a = `${dir}/apps/${app}`;
  return {
    dir: a,
    history: `${a}/history`,
    spec: (version: string) => `${a}/versions/${version}.json`,
    release: (version: string) => `${a}/releases/${version}`,
    switchLog: (tx: string) => `${a}/tx/${tx}.log`,
    failedLog: (tx: string) => `${a}/failed/${tx}.log`,
  };
}

/** What is kept per version: enough to run it again without the workspace. */
export interface VersionSpec {
  kind: 'container' | 'compose';
  app: string;
  version: string;
  /** Image reference (`app:version`) for containers. */
  image?: string;
  /** `create` arguments after `--name` (see container-args.ts). */
  createArgs?: string[];
  /** Compose release folder and flavour. */
  release?: string;
  /** Health probe in the switch script's terms: kind, a, b, c, and the command argv. */
  probe: { kind: string; a: string; b: string; c: string; argv: string[] };
  timeoutSec: number;
  /** Seconds a service without a healthcheck must keep running (Compose). */
  runningSec?: number;
  mode?: 'parallel' | 'stop-first';
  deployedAt: string;
}

/** One line of an app's history, oldest first: a version that became the running one (`ok`) or was tried and failed. */
export interface HistoryEntry {
  epoch: number;
  version: string;
  ok: boolean;
}

/** Parse an app's history file. */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) ([A-Za-z0-9_.-]+)(?: (ok|failed))?$/.exec(line.trim());
    if (m) out.push({ epoch: Number(m[1]), version: m[2], ok: m[3] !== 'failed' });
  }
  return out;
}

/** The version to roll back to: the newest one that ran well before, is not `current` and still exists. */
export function previousVersion(history: HistoryEntry[], current: string | undefined, exists: (v: string) => boolean): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const { version: v, ok } = history[i];
    if (ok && v !== current && exists(v)) return v;
  }
  return undefined;
}

/**
 * Versions to prune among the app's tags on the device: every version Pier ran or tried, except
 * the newest `keep` that ran well, and never one in `inUse`. Tags Pier never tried (shipped ahead
 * of a deploy, or made by hand) are left alone.
 */
export function versionsToPrune(tags: string[], history: HistoryEntry[], keep: number, inUse: ReadonlySet<string>): string[] {
  const good: string[] = [];
  for (let i = history.length - 1; i >= 0; i--) if (history[i].ok && !good.includes(history[i].version)) good.push(history[i].version);
  const kept = new Set(good.slice(0, keep));
  const known = new Set(history.map((h) => h.version));
  return tags.filter((v) => known.has(v) && !kept.has(v) && !inUse.has(v));
}
