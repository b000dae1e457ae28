// Deploy to healthy on a lab device over a link limited to 20 Mbit/s, for a redeploy where only the
// app layer changed (www/index.html of the ~100 MB arm64 http-service example). Pier's phases —
// probe, build, ship, start, healthy — and the total, next to the baseline run in the same process
// on the same link: docker build, `docker save | gzip | ssh docker load`, `ssh docker rm -f` and
// `ssh docker run -d`, then asking over ssh until the engine says healthy (once a second).
// Both wait for the same image HEALTHCHECK (interval 10 s), which bounds the healthy phase.
// Run (as root): node --import tsx bench/run-deploy.ts [--runs 1] [--keep]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage } from '../client/src/edge/build/build';
import { probeViaShell } from '../client/src/edge/ship/device-shell';
import { labDown, sshArgs, type LabDeviceAccess } from '../client/src/edge/lab';
import { BlobCache } from '../client/src/edge/ship/blob-cache';
import { shipImage } from '../client/src/edge/ship/ship';
import { labTarget } from '../client/src/edge/ship/targets';
import { SshPool } from '../client/src/edge/ssh/pool';
import { runDeployStep } from '../client/src/edge/run/deploy-step';
import type { RunPhase } from '../client/src/edge/run/types';
import { httpServiceLab } from './lab-bench';
import { median, runBench } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, keep: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const NAME = 'runbench';
const work = mkdtempSync(join(tmpdir(), 'pier-bench-run-'));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function sh(script: string): Promise<string> {
  return new Promise((res, rej) => {
    const c = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`exit ${code}: ${script.slice(0, 80)}`))));
  });
}

function ssh(d: LabDeviceAccess, argv: string[]): string {
  return sshArgs(d, argv)
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
}

type Phases = Record<'probe' | 'build' | 'ship' | 'start' | 'healthy' | 'total', number>;

/** The baseline redeploy: build, save | gzip | ssh load, rm -f, run -d, ask until healthy. */
async function baseline(d: LabDeviceAccess, ctx: string, tag: string): Promise<Phases> {
  const t0 = performance.now();
  const id = (await buildImage({ context: ctx, platform: 'linux/arm64', tag, buildArgs: { LAB_ARCH: 'arm64' } })).imageId;
  const t1 = performance.now();
  await sh(`set -o pipefail; docker save '${tag}' | gzip | ssh ${ssh(d, ['docker', 'load'])} >/dev/null`);
  const t2 = performance.now();
  await sh(`ssh ${ssh(d, ['docker', 'rm', '-f', 'bench-base'])} >/dev/null; ssh ${ssh(d, ['docker', 'run', '-d', '--name', 'bench-base', '--restart', 'unless-stopped', id])} >/dev/null`);
  const t3 = performance.now();
  for (;;) {
    const h = (await sh(`ssh ${ssh(d, ['docker', 'inspect', '-f', '{{.State.Health.Status}}', 'bench-base'])}`)).trim();
    if (h === 'healthy') break;
    if (h === 'unhealthy') throw new Error('the baseline container became unhealthy');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const t4 = performance.now();
  return { probe: 0, build: t1 - t0, ship: t2 - t1, start: t3 - t2, healthy: t4 - t3, total: t4 - t0 };
}

/** Pier's redeploy on a warm connection (as in VS Code): probe, build, ship, run step. */
async function pier(pool: SshPool, d: LabDeviceAccess, ctx: string, cache: BlobCache): Promise<Phases & { run: Partial<Record<RunPhase, number>>; status: string; summary: string }> {
  const conn = pool.get(labTarget(d));
  const t0 = performance.now();
  const probe = await probeViaShell(conn);
  const t1 = performance.now();
  const built = await buildImage({ context: ctx, platform: probe.platform!, buildArgs: { LAB_ARCH: 'arm64' } });
  const t2 = performance.now();
  const shipped = await shipImage({ conn, device: { name: d.name, platform: probe.platform!, runtime: probe.runtime! }, ref: built.imageId, app: 'http-service', cache });
  const t3 = performance.now();
  const out = await runDeployStep({ conn, runtime: probe.runtime! }, { kind: 'dockerfile', file: join(ctx, 'Dockerfile'), shipped: [shipped], probe });
  const t4 = performance.now();
  const r = out.timings;
  const healthy = (r.health ?? 0) * 1000;
  return { probe: t1 - t0, build: t2 - t1, ship: t3 - t2, start: t4 - t3 - healthy, healthy, total: t4 - t0, run: r, status: out.status, summary: out.summary };
}

async function main() {
  const { state, d, ctx } = await httpServiceLab(NAME, work);
  const cache = new BlobCache(mkdtempSync(join(work, 'cache-')));
  const pool = new SshPool({ hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null });
  console.log(`examples/http-service for linux/arm64 on ${NAME}/dev1, link ${state.devices[0].rate}; load ${load()}`);

  // The device runs v1 (first deploy, not measured), so each run below is a redeploy.
  const first = await pier(pool, d, ctx, cache);
  console.log(`(first deploy, not counted: ${first.status} in ${sec(first.total)}${first.status === 'deployed' ? '' : `: ${first.summary.split('\n')[0]}`})`);
  await baseline(d, ctx, 'pier-bench/run-base:v1');

  const ours: Phases[] = [];
  const base: Phases[] = [];
  for (let i = 0; i < RUNS; i++) {
    const change = () => writeFileSync(join(ctx, 'www', 'index.html'), `${readFileSync(join(ctx, 'www', 'index.html'), 'utf8')}<!-- change ${Date.now()} -->\n`);
    change();
    const o = await pier(pool, d, ctx, cache);
    if (o.status !== 'deployed') throw new Error(`Pier's redeploy ended ${o.status}: ${o.summary}`);
    ours.push(o);
    console.log(`run ${i + 1} Pier: ${(['probe', 'build', 'ship', 'start', 'healthy', 'total'] as const).map((k) => `${k} ${sec(o[k])}`).join(', ')}; run step ${Object.entries(o.run).map(([k, v]) => `${k} ${(v ?? 0).toFixed(2)}`).join(' ')}; load ${load()}`);
    change();
    const b = await baseline(d, ctx, `pier-bench/run-base:r${i}`);
    base.push(b);
    console.log(`run ${i + 1} baseline: ${(['build', 'ship', 'start', 'healthy', 'total'] as const).map((k) => `${k} ${sec(b[k])}`).join(', ')}; load ${load()}`);
  }
  const m = (xs: Phases[], k: keyof Phases) => median(xs.map((x) => x[k]));
  console.log(`\nredeploy to healthy, only the app layer changed (median of ${RUNS}; load ${load()})`);
  console.log('   phase       Pier       baseline   Pier/baseline');
  for (const k of ['probe', 'build', 'ship', 'start', 'healthy', 'total'] as const) {
    const a = m(ours, k);
    const b = m(base, k);
    console.log(`   ${k.padEnd(9)} ${sec(a).padStart(8)}  ${(k === 'probe' ? '-' : sec(b)).padStart(9)}   ${k === 'probe' || b === 0 ? '-' : `x${(a / b).toFixed(2)}`}`);
  }
  await sh(`ssh ${ssh(d, ['docker', 'rm', '-f', 'bench-base'])} >/dev/null`);
  pool.closeAll();
}

runBench(main, async () => {
  if (!values.keep) await labDown({ name: NAME });
  rmSync(work, { recursive: true, force: true });
});
