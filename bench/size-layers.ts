// Layer analysis of a ~300 MB image against `docker save` alone for the same image (and curl reading
// the same stream from the Engine API, which the analysis reads), in the same run, round by round. The image is built once in the lab's build engine from the Debian base the
// lab makes from Debian packages (pier-lab/debian:arm64, ~97 MB) plus ~200 MB of copied files,
// some of which a later layer overwrites (waste), and kept under a fixed tag for later runs.
// Each analysis runs in a fresh Node process so its peak RSS (getrusage maxrss) is its own; a
// process that loads the same modules and reads nothing gives the floor.
// Run: node --import tsx bench/size-layers.ts   (--rebuild builds the image again)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_SOCKET, docker, ensureBaseImages, ensureBuildEngine, hasImage, imageInfo } from '../client/src/edge/lab';
import { formatBytes } from '../server/src/analysis/size/format';
import { median, ms } from './stats';

const TAG = 'pier-bench/size-300:1';
const DOCKERFILE = `FROM pier-lab/debian:arm64
COPY data/ /srv/data/
COPY media/ /srv/media/
COPY patch/ /srv/data/
CMD ["bash"]
`;

/** Deterministic file bodies that differ per file (a hash-seeded fill; the save stream is not compressed). */
function body(name: string, size: number): Buffer {
  const seed = createHash('sha256').update(name).digest();
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += seed.length) seed.copy(out, i, 0, Math.min(seed.length, size - i));
  out.writeUInt32LE(size, 0);
  return out;
}

async function ensureImage(): Promise<void> {
  const say = (m: string) => process.stderr.write(`[size-layers] ${m}\n`);
  await ensureBuildEngine({ onProgress: say });
  if (!process.argv.includes('--rebuild') && (await hasImage(BUILD_SOCKET, TAG))) return;
  await ensureBaseImages(BUILD_SOCKET, [{ kind: 'debian', arch: 'arm64' }], { onProgress: say });
  const dir = mkdtempSync(join(tmpdir(), 'pier-size-layers-'));
  try {
    // 150 MB in 3,000 files of 50 kB; 50 MB in 5 files of 10 MB; 20 MB of 400 files overwritten by the last layer.
    for (let i = 0; i < 3000; i++) {
      mkdirSync(join(dir, 'data', `d${i % 60}`), { recursive: true });
      writeFileSync(join(dir, 'data', `d${i % 60}`, `f${i}.bin`), body(`data${i}`, 50_000));
    }
    mkdirSync(join(dir, 'media'));
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'media', `m${i}.bin`), body(`media${i}`, 10_000_000));
    for (let i = 0; i < 400; i++) {
      mkdirSync(join(dir, 'patch', `d${i % 60}`), { recursive: true });
      writeFileSync(join(dir, 'patch', `d${i % 60}`, `f${i}.bin`), body(`patch${i}`, 50_000));
    }
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    say(`building ${TAG}`);
    await docker(BUILD_SOCKET, ['build', '--quiet', '--platform', 'linux/arm64', '--label', 'pier-lab=size-bench', '--tag', TAG, dir], { timeoutMs: 1_200_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssBytes: number;
  heapPeakBytes: number;
  totalBytes?: number;
  wastedBytes?: number;
  efficiency?: number;
  streamBytes?: number;
  layers?: number;
}

/** One analysis (or the module floor) in a fresh Node process. */
function child(mode: 'analyse' | 'floor'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'size-layers-child.ts'), mode, TAG], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DOCKER_HOST: `unix://${BUILD_SOCKET}` } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited with ${code}: ${out}`))));
  });
}

/** A command alone, its output thrown away by the kernel: `docker save`, or curl reading the same stream from the Engine API. */
function alone(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const nul = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', nul, 'inherit'], env: { ...process.env, DOCKER_HOST: `unix://${BUILD_SOCKET}` } });
    p.on('error', reject);
    p.on('close', (code) => {
      closeSync(nul);
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`${cmd} exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  await ensureImage();
  const info = await imageInfo(BUILD_SOCKET, TAG);
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
  const save: number[] = [];
  const api: number[] = [];
  const analyse: ChildResult[] = [];
  const load0 = loadavg()[0];
  const floor = await child('floor');
  for (let r = 0; r < rounds; r++) {
    save.push(await alone('docker', ['save', TAG]));
    api.push(await alone('curl', ['-sf', '--unix-socket', BUILD_SOCKET, '-o', '/dev/null', `http://docker/images/${encodeURIComponent(TAG)}/get`]));
    analyse.push(await child('analyse'));
  }
  const load1 = loadavg()[0];
  const a = analyse[analyse.length - 1];
  const t = median(analyse.map((x) => x.ms));
  const rss = Math.max(...analyse.map((x) => x.maxRssBytes));
  const heap = Math.max(...analyse.map((x) => x.heapPeakBytes));
  const lines = [
    `image ${TAG} (${info.platform}): ${formatBytes(info.size)} per the engine, ${a.layers} layers, save stream ${formatBytes(a.streamBytes ?? 0)}; ${rounds} rounds; load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`,
    `docker save alone (to /dev/null):           median ${ms(median(save))}`,
    `Engine API GET /images/{name}/get by curl:  median ${ms(median(api))}`,
    `streamed layer analysis (read + parse + waste): median ${ms(t)}  (target < 5 s; ${(t / median(save)).toFixed(2)}x docker save alone, ${(t / median(api)).toFixed(2)}x the API read alone)`,
    `CPU of the analysing process: median ${ms(median(analyse.map((x) => x.cpuMs)))}, of which loading the modules ${ms(floor.cpuMs)} (the floor process)`,
    `peak RSS of the analysing process: ${formatBytes(rss)} (target < 200 MB); floor with the same modules loaded, nothing read: ${formatBytes(floor.maxRssBytes)}; JS heap peak ${formatBytes(heap)}`,
    `result: total ${formatBytes(a.totalBytes ?? 0)}, wasted ${formatBytes(a.wastedBytes ?? 0)}, efficiency ${((a.efficiency ?? 0) * 100).toFixed(1)}%`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
