// Rolling an app back without knowing how it was deployed: a Compose app has releases in its
// state folder on the device, a single-container app has version specs. Used by `pier rollback`
// and the extension's Pier: Roll Back to Previous Version.

import type { ProbeResult } from '../devices/probe';
import { deviceShell } from '../ship/device-shell';
import { appRepository } from '../ship/ship';
import { appPaths, DEFAULT_STATE_DIR, parseHistory } from './device-state';
import { composeKind, rollbackCompose } from './run-compose';
import { rollbackContainer, type RunTarget } from './run-container';
import type { RunOutcome } from './types';

/** Apps Pier has deployed on the device (those with a history), with whether each is a Compose app. */
export async function deployedApps(t: Pick<RunTarget, 'conn' | 'stateDir' | 'signal'>): Promise<{ app: string; compose: boolean; versions: number }[]> {
  const dir = `${t.stateDir ?? DEFAULT_STATE_DIR}/apps`;
  const script = 'cd "$HOME" 2>/dev/null; for a in "$1"/*/; do [ -f "$a/history" ] || continue; n=$(basename "$a"); c=0; [ -d "$a/releases" ] && c=1; printf "%s %s %s\\n" "$n" "$c" "$(grep -c . "$a/history")"; done; exit 0';
  const r = await deviceShell(t.conn).run(['sh', '-c', script, 'pier-sh', dir], { signal: t.signal });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((p) => p.length === 3 && p[0])
    .map(([app, c, n]) => ({ app, compose: c === '1', versions: Number(n) || 0 }));
}

/** Roll `appName` back to the version (or Compose release) that ran well before the current one. */
export async function rollbackApp(t: RunTarget, appName: string, probe: Pick<ProbeResult, 'runtime' | 'compose'>): Promise<RunOutcome> {
  const app = appRepository(appName);
  const apps = await deployedApps(t);
  const found = apps.find((a) => a.app === app);
  if (!found) {
    const known = apps.map((a) => a.app).join(', ');
    throw new Error(`Pier has not deployed an app named ${app} on ${t.conn.target.name}${known ? ` (it has: ${known})` : ''}, so there is nothing to roll back.`);
  }
  if (found.compose) return rollbackCompose(t, app, composeKind(t.conn.target.name, probe));
  return rollbackContainer(t, app);
}

/** The versions of an app in the order they were tried (for a picker): newest first, with whether each ran well. */
export async function appHistory(t: Pick<RunTarget, 'conn' | 'stateDir' | 'signal'>, app: string): Promise<{ version: string; ok: boolean; at: Date }[]> {
  const r = await deviceShell(t.conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; cat "$1" 2>/dev/null; exit 0', 'pier-sh', appPaths(appRepository(app), t.stateDir).history], { signal: t.signal });
  return parseHistory(r.stdout)
    .reverse()
    .map((h) => ({ version: h.version, ok: h.ok, at: new Date(h.epoch * 1000) }));
}
