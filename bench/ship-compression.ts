// Choosing the layer compression by measurement: compress the ~100 MB layer of the lab's Debian
// arm64 image with each candidate, and give size, compression time, and the time to send the
// result over a 20 Mbit/s link (compress + transfer, as a first deploy pays it; a redeploy of a
// cached layer pays only the transfer). The baseline is GNU gzip -6 of the whole layer, which is
// what `docker save | gzip` sends. zstd runs through its CLI here, only to measure it.
// Run: node --import tsx bench/ship-compression.ts [--image pier-lab/debian:arm64]

import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compressFile, gnuGzipCodec, zlibCodec } from '../client/src/edge/ship/compress';

const { values } = parseArgs({ options: { image: { type: 'string', default: 'pier-lab/debian:arm64' } } });
const LINK = 20e6 / 8;
const dir = mkdtempSync(join(tmpdir(), 'pier-bench-comp-'));

function pipeThrough(cmd: string, args: string[], input: string): Promise<{ bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let bytes = 0;
    c.stdout.on('data', (d: Buffer) => (bytes += d.length));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve({ bytes, ms: performance.now() - t0 }) : reject(new Error(`${cmd} exited ${code}`))));
    createReadStream(input).pipe(c.stdin);
  });
}

async function main() {
  // The largest layer of the image, exported once.
  const tar = join(dir, 'image.tar');
  spawnSync('docker', ['save', '-o', tar, values.image!], { stdio: 'inherit' });
  spawnSync('tar', ['-xf', tar, '-C', dir, '--wildcards', '*/layer.tar', '--transform', 's|.*/|big-|'], { stdio: 'inherit' });
  rmSync(tar);
  const layer = spawnSync('sh', ['-c', `ls -S ${dir}/big-* | head -1`], { encoding: 'utf8' }).stdout.trim();
  const raw = statSync(layer).size;
  console.log(`layer: ${(raw / 1e6).toFixed(1)} MB uncompressed (${values.image}); link 20 Mbit/s; ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores; load ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ')[0]}`);
  const rows: { name: string; bytes: number; ms: number }[] = [];
  rows.push({ name: 'baseline: GNU gzip -6, one stream', ...(await pipeThrough('gzip', ['-6', '-n', '-c'], layer)) });
  const gnu = gnuGzipCodec();
  for (const [name, codec] of [['Pier: GNU gzip -6, 8 MiB members in parallel', gnu], ['Pier fallback: zlib -6 (Node), 8 MiB members in parallel', zlibCodec]] as const) {
    if (!codec) continue;
    const t0 = performance.now();
    const c = await compressFile(layer, join(dir, 'out.gz'), { codec });
    rows.push({ name, bytes: c.size, ms: performance.now() - t0 });
  }
  rows.push({ name: 'GNU gzip -9, one stream', ...(await pipeThrough('gzip', ['-9', '-n', '-c'], layer)) });
  if (spawnSync('zstd', ['--version']).status === 0) {
    for (const lvl of ['3', '9', '19']) rows.push({ name: `zstd -${lvl} (all cores)`, ...(await pipeThrough('zstd', [`-${lvl}`, '-T0', '-q', '-c'], layer)) });
  }
  const base = rows[0];
  const sendS = (b: number) => b / LINK;
  console.log('\ncandidate                                             size MB  vs base  compress s  send s  compress+send s  vs base');
  for (const r of rows) {
    const total = r.ms / 1000 + sendS(r.bytes);
    const baseTotal = base.ms / 1000 + sendS(base.bytes);
    console.log(`${r.name.padEnd(54)}${(r.bytes / 1e6).toFixed(2).padStart(7)}  ${(r.bytes / base.bytes).toFixed(3).padStart(6)}  ${(r.ms / 1000).toFixed(1).padStart(10)}  ${sendS(r.bytes).toFixed(1).padStart(6)}  ${total.toFixed(1).padStart(15)}  ${(total / baseTotal).toFixed(2).padStart(6)}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = 1;
});
