// Keeping the last N versions of an app on the device: older image tags and their specs go, but
// never a version a container (running or kept stopped) still uses.

import type { SshConnection } from '../ssh/connection';
import { deviceShell } from '../ship/device-shell';
import type { ShipRuntime } from '../ship/runtime';
import { appPaths, versionsToPrune } from './device-state';
import { appImageTags, readHistory, rt, versionsInUse } from './device-ops';

/** Remove all but the newest `keep` versions of the app; returns a line per version removed. */
export async function pruneVersions(conn: SshConnection, runtime: ShipRuntime, app: string, stateDir: string, keep: number, signal?: AbortSignal): Promise<string[]> {
  const [tags, history, inUse] = await Promise.all([appImageTags(conn, runtime, app, signal), readHistory(conn, app, stateDir, signal), versionsInUse(conn, runtime, app, signal)]);
  const doomed = versionsToPrune(tags, history, keep, inUse);
  const said: string[] = [];
  for (const v of doomed) {
    // Without force: the runtime refuses to remove an image a container uses, a second guard.
    const r = await rt(conn, runtime, ['rmi', `${app}:${v}`], signal);
    await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; rm -f "$1"', 'pier-sh', appPaths(app, stateDir).spec(v)], { signal });
    said.push(r.code === 0 ? `pruned ${app}:${v} (older than the last ${keep} versions)` : `could not prune ${app}:${v}: ${r.stderr.trim().split('\n').pop()}`);
  }
  return said;
}
