// Deploying a Compose app: its release (files and .env) goes to a folder of its own on the device,
// then the device-side switch runs `up -d --remove-orphans` under the app's fixed project name,
// waits until every container is healthy, and otherwise brings the previous release back up.

import type { ProbeResult } from '../devices/probe';
import { deviceShell } from '../ship/device-shell';
import { appRepository } from '../ship/ship';
import { appPaths, previousVersion } from './device-state';
import { COMPOSE_SWITCH_SCRIPT } from './device-scripts';
import { appendHistory, readHistory } from './device-ops';
import { describeOutcome } from './outcome';
import { locked, switchOnDevice, type Ctx, type RunTarget } from './run-container';
import type { ComposeRelease } from './compose-release';
import type { RunConfig, RunOutcome } from './types';

/** The Compose flavours the switch script knows. */
export type ComposeKind = 'plugin' | 'v1' | 'podman' | 'podman-compose';

/** How each flavour is called, for messages. */
const COMPOSE_COMMAND: Record<ComposeKind, string> = { plugin: 'docker compose', v1: 'docker-compose', podman: 'podman compose', 'podman-compose': 'podman-compose' };

/** Which Compose to use on the device, from its probe; throws when it has none. */
export function composeKind(device: string, probe: Pick<ProbeResult, 'compose' | 'runtime'>): ComposeKind {
  const c = probe.compose;
  if (c?.kind === 'plugin') return probe.runtime?.name === 'podman' ? 'podman' : 'plugin';
  if (c?.kind === 'v1') return 'v1';
  if (c?.kind === 'podman-compose') return 'podman-compose';
  throw new Error(`${device} has no Compose (${probe.runtime?.name === 'podman' ? 'podman compose or podman-compose' : "neither the 'docker compose' plug-in nor docker-compose"}); install one on the device to deploy a Compose app, or deploy a single Dockerfile.`);
}

/** Deploy a Compose release (see compose-release.ts). */
export async function deployCompose(t: RunTarget, config: RunConfig, kind: ComposeKind, rel: ComposeRelease): Promise<RunOutcome> {
  const app = appRepository(config.name);
  return locked(t, app, `deploy of ${app} ${rel.version}`, config.lockWaitSec, async (ctx) => {
    const p = appPaths(app, ctx.stateDir);
    const history = await readHistory(t.conn, app, ctx.stateDir, t.signal);
    const current = [...history].reverse().find((h) => h.ok)?.version;
    const running = await projectRunning(t, app);
    if (current === rel.version && running) {
      await ctx.say('done', `${app} ${rel.version} already runs on ${t.conn.target.name}; nothing to do`);
      return { status: 'unchanged', app, running: rel.version, tried: rel.version, summary: `${app} ${rel.version} already runs on ${t.conn.target.name}; nothing was changed.`, timings: ctx.timings };
    }
    await ctx.say('prepare', `uploading the Compose release ${rel.version} (${rel.files.length} file${rel.files.length === 1 ? '' : 's'}${rel.env !== undefined ? ' and .env' : ''}) to ${p.release(rel.version)}`);
    await upload(t, p.release(rel.version), rel);
    const old = running ? current : undefined;
    const oldDir = old ? p.release(old) : '-';
    const runningSec = config.health.kind === 'running' ? config.health.seconds : 5;
    const argv = (tx: string) => ['sh', '-c', COMPOSE_SWITCH_SCRIPT, 'pier-compose', ctx.stateDir, app, tx, t.runtime.name, t.runtime.access === 'sudo' ? '1' : '0', String(config.healthTimeoutSec), kind, String(runningSec), p.release(rel.version), oldDir];
    await ctx.say('start', `${COMPOSE_COMMAND[kind]} up -d --remove-orphans for project ${app}${old ? ` (replacing ${old})` : ''}`);
    const res = await switchOnDevice(t, ctx, app, argv);
    await appendHistory(t.conn, app, ctx.stateDir, rel.version, res.status === 'ok', t.signal);
    if (res.status === 'ok') {
      await ctx.say('prune', `keeping the last ${config.keepVersions} releases of ${app}`);
      for (const m of await pruneReleases(t, ctx, app, config.keepVersions, rel.version)) await ctx.say('prune', m);
    }
    const outcome = describeOutcome(t.conn.target.name, app, rel.version, old, res, ctx.timings);
    await ctx.say('done', outcome.summary, outcome.status === 'deployed' ? 'info' : outcome.status === 'rolled-back' ? 'warning' : 'error');
    return outcome;
  });
}

/** Roll a Compose app back to the release before the running one. */
export async function rollbackCompose(t: RunTarget, appName: string, kind: ComposeKind, o: { keepVersions?: number; lockWaitSec?: number; healthTimeoutSec?: number } = {}): Promise<RunOutcome> {
  const app = appRepository(appName);
  return locked(t, app, `rollback of ${app}`, o.lockWaitSec ?? 300, async (ctx) => {
    const p = appPaths(app, ctx.stateDir);
    const history = await readHistory(t.conn, app, ctx.stateDir, t.signal);
    const current = [...history].reverse().find((h) => h.ok)?.version;
    const present = new Set((await deviceShell(t.conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; ls "$1" 2>/dev/null; exit 0', 'pier-sh', `${p.dir}/releases`])).stdout.split('\n').filter(Boolean));
    const target = previousVersion(history, current, (v) => present.has(v));
    if (!target) throw new Error(`${app} on ${t.conn.target.name} has no earlier Compose release to roll back to.`);
    await ctx.say('prepare', `rolling ${app} back from ${current ?? 'nothing'} to ${target}`);
    const argv = (tx: string) => ['sh', '-c', COMPOSE_SWITCH_SCRIPT, 'pier-compose', ctx.stateDir, app, tx, t.runtime.name, t.runtime.access === 'sudo' ? '1' : '0', String(o.healthTimeoutSec ?? 60), kind, '5', p.release(target), current ? p.release(current) : '-'];
    const res = await switchOnDevice(t, ctx, app, argv);
    await appendHistory(t.conn, app, ctx.stateDir, target, res.status === 'ok', t.signal);
    const outcome = describeOutcome(t.conn.target.name, app, target, current, res, ctx.timings);
    await ctx.say('done', outcome.summary, outcome.status === 'deployed' ? 'info' : 'warning');
    return outcome;
  });
}

async function projectRunning(t: RunTarget, app: string): Promise<boolean> {
  const r = await deviceShell(t.conn).run([...(t.runtime.access === 'sudo' ? ['sudo', '-n'] : []), t.runtime.name, 'ps', '-q', '--filter', `label=com.docker.compose.project=${app}`], { signal: t.signal });
  return r.code === 0 && r.stdout.trim().length > 0;
}

async function upload(t: RunTarget, dir: string, rel: ComposeRelease): Promise<void> {
  const files = [...rel.files, ...(rel.env !== undefined ? [{ name: '.env', text: rel.env }] : [])];
  // Each file's text travels as an argument of a fixed script, never as shell text.
  for (const f of files) {
    const r = await deviceShell(t.conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; mkdir -p "$1" && printf "%s" "$3" >"$1/$2"', 'pier-sh', dir, f.name, f.text], { signal: t.signal });
    if (r.code !== 0) throw new Error(`could not upload ${f.name} to ${dir} on ${t.conn.target.name}: ${r.stderr.trim()}`);
  }
}

async function pruneReleases(t: RunTarget, ctx: Ctx, app: string, keep: number, running: string): Promise<string[]> {
  const p = appPaths(app, ctx.stateDir);
  const history = await readHistory(t.conn, app, ctx.stateDir, t.signal);
  const good: string[] = [];
  for (let i = history.length - 1; i >= 0; i--) if (history[i].ok && !good.includes(history[i].version)) good.push(history[i].version);
  const kept = new Set([running, ...good.slice(0, keep)]);
  const known = [...new Set(history.map((h) => h.version))].filter((v) => !kept.has(v));
  const said: string[] = [];
  for (const v of known) {
    const r = await deviceShell(t.conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; [ -d "$1" ] || exit 3; rm -rf "$1"', 'pier-sh', p.release(v)], { signal: t.signal });
    if (r.code === 0) said.push(`pruned the release ${v} of ${app}`);
  }
  return said;
}
