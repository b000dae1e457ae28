// Deploying one version of a single-container app, and rolling back to the one before. Both end in
// the same switch: the version's container is created stopped under a temporary name, then the
// device-side switch starts it, waits for health and keeps it or puts the old one back.

import type { SshConnection } from '../ssh/connection';
import { appRepository } from '../ship/ship';
import type { ShipRuntime } from '../ship/runtime';
import { configDigest, containerNames, createArgs, mustStopFirst } from './container-args';
import { DEFAULT_STATE_DIR, previousVersion, type VersionSpec } from './device-state';
import { RUN_DEFAULTS } from './config';
import { appendHistory, imageFacts, inspectContainers, readHistory, readSpec, recoverLeftovers, rtOk, writeSpec } from './device-ops';
import { SWITCH_SCRIPT } from './device-scripts';
import { acquireDeviceLock } from './lock';
import { pruneVersions } from './prune';
import { describeOutcome } from './outcome';
import { runSwitch, type SwitchResult } from './switch';
import type { HealthProbe, RunConfig, RunListener, RunOutcome, RunPhase } from './types';

/** Where and how to run: the device's connection and runtime (from the probe). */
export interface RunTarget {
  conn: SshConnection;
  runtime: ShipRuntime;
  /** Pier's state folder on the device (default `.pier` in the login user's home). */
  stateDir?: string;
  onEvent?: RunListener;
  signal?: AbortSignal;
  /** How long to wait for a dropped link during a switch (default 180 s). */
  reconnectWaitMs?: number;
  /** Awaited right before the switch starts on the device (after the new container exists). */
  beforeSwitch?(): Promise<void> | void;
}

/** Deploy `version` (tagged `<app>:<version>` on the device by the ship step) with these options. */
export async function deployContainer(t: RunTarget, config: RunConfig, version: string): Promise<RunOutcome> {
  const app = appRepository(config.name);
  return locked(t, app, `deploy of ${app} ${version}`, config.lockWaitSec, async (ctx) => {
    const image = `${app}:${version}`;
    const n = containerNames(app);
    const current = (await inspectContainers(t.conn, t.runtime, [n.current], t.signal)).get(n.current);
    if (current?.version === version && current.config === configDigest(config) && current.status === 'running' && current.health !== 'unhealthy') {
      await ctx.say('done', `${app} ${version} already runs on ${t.conn.target.name} with these options; nothing to do`);
      return { status: 'unchanged', app, running: version, tried: version, summary: `${app} ${version} already runs on ${t.conn.target.name} with the same options; nothing was changed.`, timings: ctx.timings };
    }
    const facts = await imageFacts(t.conn, t.runtime, image, t.signal);
    if (!facts) throw new Error(`${image} is not on ${t.conn.target.name}; ship it first (pier deploy builds and ships it).`);
    const spec: VersionSpec = {
      kind: 'container',
      app,
      version,
      image,
      createArgs: createArgs(config, app, version, image),
      probe: probeArgs(config.health, facts.exposed),
      timeoutSec: config.healthTimeoutSec,
      mode: mustStopFirst(config) ? 'stop-first' : 'parallel',
      deployedAt: new Date().toISOString(),
    };
    if (!facts.healthcheck && !config.healthConfigured) await ctx.say('prepare', `the image has no HEALTHCHECK and pier.json no health probe: the new version must keep running ${config.health.kind === 'running' ? config.health.seconds : 5} s without restarting`);
    await writeSpec(t.conn, spec, ctx.stateDir, t.signal);
    return switchTo(t, ctx, spec, current?.version, config.keepVersions);
  });
}

/** Roll the app back to the version that ran before the current one. */
export async function rollbackContainer(t: RunTarget, appName: string, o: { keepVersions?: number; lockWaitSec?: number } = {}): Promise<RunOutcome> {
  const app = appRepository(appName);
  const keepVersions = o.keepVersions ?? RUN_DEFAULTS.keepVersions;
  return locked(t, app, `rollback of ${app}`, o.lockWaitSec ?? RUN_DEFAULTS.lockWaitSec, async (ctx) => {
    const n = containerNames(app);
    const current = (await inspectContainers(t.conn, t.runtime, [n.current], t.signal)).get(n.current);
    const history = await readHistory(t.conn, app, ctx.stateDir, t.signal);
    const specs = new Map<string, VersionSpec>();
    for (const h of [...history].reverse()) {
      // Only a version that ran well is worth going back to.
      if (!h.ok || h.version === current?.version || specs.has(h.version)) continue;
      const s = await readSpec(t.conn, app, h.version, ctx.stateDir, t.signal);
      if (s?.image && (await imageFacts(t.conn, t.runtime, s.image, t.signal))) {
        specs.set(h.version, s);
        break;
      }
    }
    const target = previousVersion(history, current?.version, (v) => specs.has(v));
    if (!target) throw new Error(`${app} on ${t.conn.target.name} has no earlier version to roll back to (Pier keeps the last ${keepVersions}; history: ${history.map((h) => h.version).join(', ') || 'none'}).`);
    await ctx.say('prepare', `rolling ${app} back from ${current?.version ?? 'nothing'} to ${target}`);
    return switchTo(t, ctx, { ...specs.get(target)!, deployedAt: new Date().toISOString() }, current?.version, keepVersions);
  });
}

/** What the steps inside the lock share. */
export interface Ctx {
  stateDir: string;
  timings: Partial<Record<RunPhase, number>>;
  say(phase: RunPhase, message: string, level?: 'info' | 'warning' | 'error'): Promise<void>;
}

/** Take the lock, put right leftovers, run `body`, always release; phases are timed. */
export async function locked(t: RunTarget, app: string, what: string, waitSec: number, body: (ctx: Ctx) => Promise<RunOutcome>): Promise<RunOutcome> {
  const timings: Partial<Record<RunPhase, number>> = {};
  let mark = performance.now();
  let phase: RunPhase = 'lock';
  const lap = (next: RunPhase) => {
    const now = performance.now();
    timings[phase] = (timings[phase] ?? 0) + (now - mark) / 1000;
    mark = now;
    phase = next;
  };
  const ctx: Ctx = {
    stateDir: t.stateDir ?? DEFAULT_STATE_DIR,
    timings,
    say: async (p, message, level = 'info') => {
      if (p !== phase) lap(p);
      await t.onEvent?.({ phase: p, message, level });
    },
  };
  const lock = await acquireDeviceLock(t.conn, { waitSec, what, stateDir: ctx.stateDir, signal: t.signal, onMessage: (m, level) => void t.onEvent?.({ phase: 'lock', message: m, level }) });
  await ctx.say('lock', `took the deploy lock on ${t.conn.target.name}`);
  try {
    for (const m of await recoverLeftovers(t.conn, t.runtime, app, t.signal)) await ctx.say('recover', m, 'warning');
    const out = await body(ctx);
    lap('done');
    return out;
  } finally {
    await lock.release();
    await t.onEvent?.({ phase: 'done', message: `released the deploy lock on ${t.conn.target.name}` });
  }
}

async function switchTo(t: RunTarget, ctx: Ctx, spec: VersionSpec, oldVersion: string | undefined, keep: number): Promise<RunOutcome> {
  const n = containerNames(spec.app);
  await ctx.say('start', `creating ${spec.app} ${spec.version} on ${t.conn.target.name}${oldVersion ? ` beside ${oldVersion}` : ''}`);
  await rtOk(t.conn, t.runtime, ['create', '--name', n.next, ...(spec.createArgs ?? [])], t.signal);
  const oldSpec = oldVersion ? await readSpec(t.conn, spec.app, oldVersion, ctx.stateDir, t.signal) : undefined;
  const op = oldSpec?.probe ?? { kind: 'running', a: '3', b: '', c: '', argv: [] };
  const p = spec.probe;
  const argv = (tx: string) => ['sh', '-c', SWITCH_SCRIPT, 'pier-switch', ctx.stateDir, spec.app, spec.mode ?? 'parallel', tx, t.runtime.name, t.runtime.access === 'sudo' ? '1' : '0', String(spec.timeoutSec), p.kind, p.a, p.b, p.c, op.kind, op.a, op.b, op.c, ...p.argv];
  if (spec.mode === 'stop-first' && oldVersion) await ctx.say('start', `${spec.app} publishes ports or uses devices, so the running version stops first and is kept until the new one passes`);
  const res = await switchOnDevice(t, ctx, spec.app, argv);
  await appendHistory(t.conn, spec.app, ctx.stateDir, spec.version, res.status === 'ok', t.signal);
  if (res.status === 'ok') {
    await ctx.say('prune', `keeping the last ${keep} versions of ${spec.app}`);
    for (const m of await pruneVersions(t.conn, t.runtime, spec.app, ctx.stateDir, keep, t.signal)) await ctx.say('prune', m);
  }
  const outcome = describeOutcome(t.conn.target.name, spec.app, spec.version, oldVersion, res, ctx.timings);
  await ctx.say('done', outcome.summary, outcome.status === 'deployed' ? 'info' : outcome.status === 'rolled-back' ? 'warning' : 'error');
  return outcome;
}

/** Run a switch script with the target's options, its events going through the context. */
export function switchOnDevice(t: RunTarget, ctx: Ctx, app: string, argv: (tx: string) => string[]): Promise<SwitchResult> {
  return runSwitch(t.conn, {
    app,
    stateDir: ctx.stateDir,
    argv,
    signal: t.signal,
    reconnectWaitMs: t.reconnectWaitMs,
    beforeLaunch: t.beforeSwitch,
    onEvent: (e) => ctx.say(e.phase, e.message, e.level),
  });
}

/** A probe in the switch script's terms. */
export function probeArgs(h: HealthProbe, exposed: number[]): VersionSpec['probe'] {
  switch (h.kind) {
    case 'tcp':
      return { kind: 'tcp', a: String(h.port), b: '', c: '', argv: [] };
    case 'http':
      return { kind: 'http', a: String(h.port ?? exposed[0] ?? 80), b: h.path, c: h.status ? String(h.status) : '', argv: [] };
    case 'command':
      return { kind: 'command', a: '', b: '', c: '', argv: h.argv };
    case 'running':
      return { kind: 'running', a: String(h.seconds), b: '', c: '', argv: [] };
  }
}
