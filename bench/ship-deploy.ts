// Shipping to a lab device over a link limited to 20 Mbit/s, each figure next to the baseline
// `docker save | gzip | ssh docker load` run in the same process on the same link. Bytes on the
// wire are read from the device link's counters (the host side of its veth), both directions.
//   1. first deploy of the ~100 MB arm64 http-service example (Debian base): baseline; Pier with
//      blobs prepared by `pier build`; Pier with a cold blob cache (streamed: export, gzip and
//      load at once), last, so that
//   2. the redeploy after changing one source file (www/index.html) follows a cold first deploy,
//      as `pier deploy` does it (build, then ship): only the top layer changes
//   3. redeploy with nothing changed
// Run (as root): node --import tsx bench/ship-deploy.ts [--runs 1]

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage } from '../client/src/edge/build/build';
import { probeViaShell } from '../client/src/edge/ship/device-shell';
import { docker, labDown, sshArgs, type LabDeviceAccess } from '../client/src/edge/lab';
import { BlobCache } from '../client/src/edge/ship/blob-cache';
import { prepareImage } from '../client/src/edge/ship/prepare';
import { shipImage, type ShipResult } from '../client/src/edge/ship/ship';
import { labTarget } from '../client/src/edge/ship/targets';
import { execRemote } from '../client/src/edge/ssh/exec';
import { SshPool } from '../client/src/edge/ssh/pool';
import { httpServiceLab } from './lab-bench';
import { median, runBench } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, keep: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const NAME = 'shipbench';
const work = mkdtempSync(join(tmpdir(), 'pier-bench-ship-'));
const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function counters(veth: string): number {
  const r = (f: string) => Number(readFileSync(`/sys/class/net/${veth}/statistics/${f}`, 'utf8'));
  return r('tx_bytes') + r('rx_bytes');
}

function sh(script: string): Promise<void> {
  return new Promise((res, rej) => {
    const c = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('close', (code) => (code === 0 ? res() : rej(new Error(`exit ${code}: ${script.slice(0, 80)}`))));
  });
}

async function resetDevice(d: LabDeviceAccess): Promise<void> {
  const ids = (await docker(d.engineSocket, ['images', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await docker(d.engineSocket, ['rmi', '-f', ...new Set(ids)], { allowFail: true });
}

/** The baseline: the whole image, gzip'd, through OpenSSH into docker load. */
async function baseline(d: LabDeviceAccess, veth: string, ref: string): Promise<{ ms: number; bytes: number }> {
  const quoted = sshArgs(d, ['docker', 'load']).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const b0 = counters(veth);
  const t0 = performance.now();
  await sh(`set -o pipefail; docker save '${ref}' | gzip | ssh ${quoted} >/dev/null`);
  return { ms: performance.now() - t0, bytes: counters(veth) - b0 };
}

async function ours(pool: SshPool, d: LabDeviceAccess, veth: string, ref: string, cache: BlobCache, app = 'web'): Promise<{ ms: number; bytes: number; r: ShipResult }> {
  const b0 = counters(veth);
  const t0 = performance.now();
  const conn = pool.get(labTarget(d));
  // As `pier deploy` of a Dockerfile probes: in the device shell, without asking Compose.
  const probe = await probeViaShell(conn, { compose: false });
  const r = await shipImage({ conn, device: { name: d.name, platform: probe.platform, runtime: probe.runtime! }, ref, app, cache });
  return { ms: performance.now() - t0, bytes: counters(veth) - b0, r };
}

const newPool = (d: LabDeviceAccess) => new SshPool({ hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null });

async function main() {
  const { state, d, ctx } = await httpServiceLab(NAME, work);
  const veth = state.devices[0].hostVeth;
  const build = async (tag: string) => (await buildImage({ context: ctx, platform: 'linux/arm64', tag, buildArgs: { LAB_ARCH: 'arm64' } })).imageId;
  const v1 = await build('pier-bench/web:v1');
  const size = Number((await docker('/var/run/docker.sock', ['image', 'inspect', '--format', '{{.Size}}', v1])).stdout.trim());
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`image: examples/http-service for linux/arm64, ${mb(size)}; link ${state.devices[0].rate}; load ${load()}`);

  // Per-command cost on this device (an exec opens a session and a login shell).
  const probePool = newPool(d);
  const c = probePool.get(labTarget(d));
  await c.connect();
  const e0 = performance.now();
  await execRemote(c, ['true']);
  const execMs = performance.now() - e0;
  probePool.closeAll();
  console.log(`one exec on the device (sshd session + login shell): ${sec(execMs)}`);

  // 1. First deploy. The cold case runs last, so the redeploy below follows it as it would for a
  // person: a cold first deploy (streamed), then a changed file.
  // stream = an archive of the missing layers (from the engine's layer store, else its export),
  // xz -0 when both ends have xz, else gzip -6, into the device's load; pull = the tunnel registry.
  const first = { base: [] as { ms: number; bytes: number }[], cold: [] as { ms: number; bytes: number }[], warm: [] as { ms: number; bytes: number }[] };
  let coldCache!: BlobCache;
  let pool!: SshPool;
  const coldMethods: string[] = [];
  const warmMethods: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    await resetDevice(d);
    first.base.push(await baseline(d, veth, v1));
    await resetDevice(d);
    const warmCache = new BlobCache(mkdtempSync(join(work, 'warm-')));
    await prepareImage(v1, { cache: warmCache });
    const wp = newPool(d);
    const w = await ours(wp, d, veth, v1, warmCache);
    warmMethods.push(w.r.method);
    first.warm.push(w);
    wp.closeAll();
    await resetDevice(d);
    coldCache = new BlobCache(mkdtempSync(join(work, 'cold-')));
    pool?.closeAll();
    pool = newPool(d);
    const c = await ours(pool, d, veth, v1, coldCache);
    coldMethods.push(c.r.method);
    first.cold.push(c);
  }
  const m = (xs: { ms: number; bytes: number }[]) => ({ ms: median(xs.map((x) => x.ms)), bytes: median(xs.map((x) => x.bytes)) });
  const fb = m(first.base);
  const fc = m(first.cold);
  const fw = m(first.warm);
  console.log('\n1. first deploy (device empty)');
  console.log(`   baseline docker save | gzip | ssh docker load   ${sec(fb.ms).padStart(9)}  ${mb(fb.bytes).padStart(10)} on the wire`);
  console.log(`   Pier, cold cache (${coldMethods.join(', ')}) ${sec(fc.ms).padStart(9)}  ${mb(fc.bytes).padStart(10)}   time x${(fc.ms / fb.ms).toFixed(2)}, bytes x${(fc.bytes / fb.bytes).toFixed(3)}`);
  console.log(`   Pier, blobs prepared by pier build (ship only: ${warmMethods.join(', ')})   ${sec(fw.ms).padStart(9)}  ${mb(fw.bytes).padStart(10)}   time x${(fw.ms / fb.ms).toFixed(2)}, bytes x${(fw.bytes / fb.bytes).toFixed(3)}`);

  // 2. Redeploy after changing one source file, as \`pier deploy\` does it (build, then ship; no
  // separate prepare): the device holds v1 from the cold first deploy above, the connection is warm.
  const red = { base: [] as { ms: number; bytes: number }[], ours: [] as { ms: number; bytes: number }[], changed: 0, sent: 0 };
  let vLast = v1;
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(join(ctx, 'www', 'index.html'), `${readFileSync(join(ctx, 'www', 'index.html'), 'utf8')}<!-- change ${Date.now()} -->\n`);
    const v = await build(`pier-bench/web:r${i}`);
    const o = await ours(pool, d, veth, v, coldCache);
    red.ours.push(o);
    red.changed = o.r.plan.missing.reduce((n, l) => n + l.uncompressedSize, 0);
    red.sent = o.r.bytesSent;
    console.log(`   (run ${i + 1}: ${o.r.method}, ${o.r.plan.missing.length} layer(s) sent, ${o.r.bytesSent} compressed bytes, ${o.bytes} wire bytes)`);
    red.base.push(await baseline(d, veth, v));
    vLast = v;
  }
  // The same change once more, through \`pier build\` first (it prepares the blobs; after a streamed
  // deploy the cache holds none of this image's layers yet, so it compresses them all once), then
  // the ship (a load of the changed layer).
  const built = { prepMs: [] as number[], ours: [] as { ms: number; bytes: number }[], method: '' };
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(join(ctx, 'www', 'index.html'), `${readFileSync(join(ctx, 'www', 'index.html'), 'utf8')}<!-- build ${Date.now()} -->\n`);
    const v = await build(`pier-bench/web:b${i}`);
    const p0 = performance.now();
    await prepareImage(v, { cache: coldCache });
    built.prepMs.push(performance.now() - p0);
    const o = await ours(pool, d, veth, v, coldCache);
    built.ours.push(o);
    built.method = `${o.r.method}, ${o.r.plan.missing.length} layer(s)`;
    vLast = v;
  }
  const rb = m(red.base);
  const ro = m(red.ours);
  const bo = m(built.ours);
  console.log('\n2. redeploy after changing www/index.html (one layer changes), after the cold first deploy');
  console.log(`   baseline                                          ${sec(rb.ms).padStart(9)}  ${mb(rb.bytes).padStart(10)}`);
  console.log(`   Pier (warm connection, as in VS Code)             ${sec(ro.ms).padStart(9)}  ${(ro.bytes / 1e3).toFixed(1).padStart(7)} kB   ${(rb.ms / ro.ms).toFixed(1)}x less time; changed layer ${red.changed} B uncompressed, ${red.sent} B sent compressed (with the config); wire/sent = ${(ro.bytes / Math.max(1, red.sent)).toFixed(2)} (includes SSH, probe and query traffic)`);
  console.log(`   Pier after pier build (ship only: ${built.method}) ${sec(bo.ms).padStart(9)}  ${(bo.bytes / 1e3).toFixed(1).padStart(7)} kB   ${(rb.ms / bo.ms).toFixed(1)}x less time; pier build's prepare took ${sec(median(built.prepMs))} more`);

  // 3. Nothing changed.
  const same = { warm: [] as { ms: number; bytes: number; sent: number }[], fresh: [] as { ms: number; bytes: number; sent: number }[] };
  for (let i = 0; i < Math.max(3, RUNS); i++) {
    const w = await ours(pool, d, veth, vLast, coldCache);
    same.warm.push({ ms: w.ms, bytes: w.bytes, sent: w.r.bytesSent });
    const fp = newPool(d);
    const f = await ours(fp, d, veth, vLast, coldCache);
    fp.closeAll();
    same.fresh.push({ ms: f.ms, bytes: f.bytes, sent: f.r.bytesSent });
  }
  console.log('\n3. redeploy with nothing changed');
  console.log(`   Pier, warm connection (as in VS Code)    ${sec(median(same.warm.map((x) => x.ms))).padStart(9)}  layer bytes ${Math.max(...same.warm.map((x) => x.sent))}, wire ${(median(same.warm.map((x) => x.bytes)) / 1e3).toFixed(1)} kB (probe + query)`);
  console.log(`   Pier, new connection (a new pier process) ${sec(median(same.fresh.map((x) => x.ms))).padStart(8)}  layer bytes ${Math.max(...same.fresh.map((x) => x.sent))}, wire ${(median(same.fresh.map((x) => x.bytes)) / 1e3).toFixed(1)} kB; of which execs ~${sec(execMs)} each`);
  pool.closeAll();
}

runBench(main, async () => {
  if (!values.keep) await labDown({ name: NAME });
  rmSync(work, { recursive: true, force: true });
});
