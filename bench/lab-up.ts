// `lab up` (one device, warm cache) and `lab down`, against a baseline measured in the same
// process: a bare dockerd with a fresh data root in a fresh network namespace, started until it
// answers and stopped (the floor of any device). First-time base image creation is reported
// separately; with --cold it is measured from scratch in a temporary cache.
// Run (as root): node --import tsx bench/lab-up.ts [--runs 5] [--cold] [--cold-debian]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labUp, type BaseImageRequest } from '../client/src/edge/lab';
import { ensureBaseImagesWithEngine } from '../client/src/edge/lab/demo';
import { enginePing, ensureBuildEngine, stopPid } from '../client/src/edge/lab/engine';
import { ensureBaseImages } from '../client/src/edge/lab/images';
import { run, waitUntil } from '../client/src/edge/lab/run';
import { median } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, cold: { type: 'boolean' }, 'cold-debian': { type: 'boolean' } } });
const RUNS = Number(values.runs);
const NAME = 'labbench';
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

/** The floor of one device: a fresh namespace and data root, dockerd started until it answers, then stopped. */
async function bareDockerd(): Promise<{ up: number; down: number }> {
  const ns = `pier-benchbase-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'pier-lab-bench-'));
  const sock = join(dir, 'docker.sock');
  const t0 = performance.now();
  await run('ip', ['netns', 'add', ns]);
  const child = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', `mount -t tmpfs tmpfs /run && exec dockerd --data-root ${dir}/docker --host unix://${sock} --bridge=none --iptables=false --ip-masq=false`], { stdio: 'ignore' });
  await waitUntil(async () => (await enginePing(sock, 500)) || undefined, { timeoutMs: 60_000, what: 'bare dockerd did not answer' });
  const up = performance.now() - t0;
  const t1 = performance.now();
  await stopPid(child.pid!, 10_000);
  await run('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
  return { up, down: performance.now() - t1 };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('bench/lab-up.ts needs root (the lab creates namespaces and starts daemons)');
    process.exitCode = 1;
    return;
  }
  console.log(`lab up/down benchmark, ${RUNS} runs each`);

  // First-time base image creation, reported on its own.
  if (values.cold || values['cold-debian']) {
    const cache = mkdtempSync(join(tmpdir(), 'pier-lab-cold-cache-'));
    process.env.PIER_LAB_CACHE_DIR = cache;
    const engine = await ensureBuildEngine();
    const reqs: BaseImageRequest[] = [{ kind: 'busybox', arch: 'arm64' }, { kind: 'busybox', arch: 'armv7' }];
    if (values['cold-debian']) reqs.push({ kind: 'debian', arch: 'arm64' });
    const reports = await ensureBaseImages(engine.socket, reqs, { rebuild: true, onProgress: (m) => console.log(`  ${m}`) });
    for (const r of reports) console.log(`first-time ${r.ref}: root fs ${r.rootfsSeconds.toFixed(1)} s + image build ${r.buildSeconds.toFixed(1)} s`);
    rmSync(cache, { recursive: true, force: true });
    delete process.env.PIER_LAB_CACHE_DIR;
  }
  const [ms, reports] = await time(() => ensureBaseImagesWithEngine(['arm64'], {}));
  const made = reports.filter((r) => r.built);
  console.log(made.length ? `base images created now (first time) in ${s(ms)}: ${made.map((r) => `${r.ref} root fs ${r.rootfsCreated ? r.rootfsSeconds.toFixed(1) + ' s' : 'cached'}, build ${r.buildSeconds.toFixed(1)} s`).join('; ')}` : `base images: all present (warm cache); use --cold / --cold-debian to time first-time creation`);

  const base = { up: [] as number[], down: [] as number[] };
  const lab = { up: [] as number[], down: [] as number[] };
  await labDown({ name: NAME });
  for (let i = 0; i < RUNS; i++) {
    const b = await bareDockerd();
    base.up.push(b.up);
    base.down.push(b.down);
    const [u] = await time(() => labUp({ name: NAME, devices: 1, arch: 'arm64' }));
    const [d] = await time(() => labDown({ name: NAME }));
    lab.up.push(u);
    lab.down.push(d);
    console.log(`  run ${i + 1}: lab up ${s(u)}, down ${s(d)}; bare dockerd up ${s(b.up)}, down ${s(b.down)}`);
  }
  const upMed = median(lab.up);
  const downMed = median(lab.down);
  console.log(`lab up   (1 device, warm): median ${s(upMed)} (min ${s(Math.min(...lab.up))}, max ${s(Math.max(...lab.up))}); ${(upMed / median(base.up)).toFixed(2)}x a bare dockerd start; target < 15 s: ${upMed < 15_000 ? 'met' : 'MISSED'}`);
  console.log(`lab down (1 device):       median ${s(downMed)} (min ${s(Math.min(...lab.down))}, max ${s(Math.max(...lab.down))}); ${(downMed / median(base.down)).toFixed(2)}x a bare dockerd stop; target < 5 s: ${downMed < 5_000 ? 'met' : 'MISSED'}`);
  const load = (await run('cat', ['/proc/loadavg'])).stdout.trim();
  console.log(`(load average at the end: ${load}; the machine's other work slows every figure)`);
}

main().catch(async (e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  await labDown({ name: NAME }).catch(() => undefined);
  process.exitCode = 1;
});
