// Deterministic gzip of layer tars. The input is cut into fixed-size pieces, each compressed as
// its own gzip member (no name, mtime 0) on all cores at once, and the members are written in
// order: a multi-member gzip file that every runtime reads, and the same bytes for the same input
// every time. GNU gzip is used when present because it compresses these tars ~3% smaller than
// zlib at the same level (measured in bench/ship-compression.ts); Node's zlib is the fallback.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Transform, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip as zlibGzip } from 'node:zlib';

/** Size of each independently compressed piece; fixed, because the output depends on it. */
export const MEMBER_BYTES = 8 * 1024 * 1024;

/** gzip level: GNU gzip -6 is what `docker save | gzip` uses, so Pier never sends more than it. */
export const GZIP_LEVEL = 6;

/** A way to compress one piece. */
export interface Codec {
  /** Names the codec and its version, so a cache record says how a blob was made. */
  id: string;
  compress(piece: Buffer, signal?: AbortSignal): Promise<Buffer>;
}

const gzipAsync = promisify(zlibGzip);

/** Node's zlib (runs on libuv's thread pool, so pieces compress in parallel). */
export const zlibCodec: Codec = {
  id: `gzip-${GZIP_LEVEL} zlib ${process.versions.zlib}`,
  compress: (piece) => gzipAsync(piece, { level: GZIP_LEVEL }),
};

/** GNU gzip as a child process per piece, or undefined when the host has no GNU gzip. */
export function gnuGzipCodec(bin = 'gzip'): Codec | undefined {
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 });
  const m = v.status === 0 ? /^gzip (\d[\w.]*)/.exec(v.stdout) : null;
  if (!m) return undefined;
  return {
    id: `gzip-${GZIP_LEVEL} GNU ${m[1]}`,
    compress: (piece, signal) =>
      new Promise((resolve, reject) => {
        // -n: no file name and mtime 0 in the header, so the bytes depend on the content only.
        const child = spawn(bin, [`-${GZIP_LEVEL}`, '-n', '-c'], { stdio: ['pipe', 'pipe', 'pipe'], signal });
        const out: Buffer[] = [];
        let err = '';
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
        child.stdin.on('error', () => undefined);
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gzip failed (${code}): ${err.trim()}`))));
        child.stdin.end(piece);
      }),
  };
}

let chosen: Codec | undefined;

/** The codec Pier uses on this host: GNU gzip when present, else zlib. */
export function defaultCodec(): Codec {
  chosen ??= gnuGzipCodec() ?? zlibCodec;
  return chosen;
}

/** What compressing a file produced. */
export interface Compressed {
  digest: string;
  size: number;
  /** sha256 of the input, checked against the expected diff ID by the caller. */
  inputDigest: string;
  inputSize: number;
}

/**
 * Compress the file `src` into `dest` with `codec`, `parallel` pieces at a time, hashing both
 * sides. `onBytes` hears the input bytes done so far.
 */
export async function compressFile(src: string, dest: string, o: { codec?: Codec; parallel?: number; signal?: AbortSignal; onBytes?: (done: number) => void } = {}): Promise<Compressed> {
  const codec = o.codec ?? defaultCodec();
  const parallel = Math.max(1, o.parallel ?? availableParallelism());
  const input = await open(src, 'r');
  const output = await open(dest, 'w');
  const inHash = createHash('sha256');
  const outHash = createHash('sha256');
  let inSize = 0;
  let outSize = 0;
  try {
    const total = (await input.stat()).size;
    const pieces = Math.ceil(total / MEMBER_BYTES);
    let nextRead = 0;
    // Each slot holds a piece being compressed; wrapped so awaiting the read does not await the work.
    const pending: { work: Promise<Buffer> }[] = [];
    const startNext = async (): Promise<{ work: Promise<Buffer> }> => {
      const i = nextRead++;
      const len = Math.min(MEMBER_BYTES, total - i * MEMBER_BYTES);
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await input.read(buf, 0, len, i * MEMBER_BYTES);
      if (bytesRead !== len) throw new Error(`${src} changed while it was compressed`);
      // Reads are issued and awaited in order, so the input hash sees the pieces in order.
      inHash.update(buf);
      inSize += len;
      const work = codec.compress(buf, o.signal);
      work.catch(() => undefined);
      return { work };
    };
    // An empty layer still becomes one valid (empty) gzip member.
    if (pieces === 0) pending.push({ work: codec.compress(Buffer.alloc(0), o.signal) });
    for (let written = 0; written < Math.max(1, pieces); written++) {
      while (nextRead < pieces && pending.length < parallel) pending.push(await startNext());
      const piece = await pending.shift()!.work;
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('cancelled');
      outHash.update(piece);
      outSize += piece.length;
      await output.write(piece);
      o.onBytes?.(Math.min(total, (written + 1) * MEMBER_BYTES));
    }
  } finally {
    await input.close();
    await output.close();
  }
  return { digest: `sha256:${outHash.digest('hex')}`, size: outSize, inputDigest: `sha256:${inHash.digest('hex')}`, inputSize: inSize };
}

/**
 * Compress a stream as it flows, in the same fixed pieces as `compressFile`, `parallel` pieces at
 * a time, written in order: a multi-member gzip that Docker's and Podman's loads read (Go's gzip
 * reader reads every member). At most `parallel` pieces wait to be compressed, and a piece is
 * taken in only when the reader keeps up, so memory stays bounded and a slow link slows the input.
 */
export function compressStream(input: NodeJS.ReadableStream, o: { codec?: Codec; parallel?: number; signal?: AbortSignal; pieceBytes?: number } = {}): Readable {
  const codec = o.codec ?? defaultCodec();
  const parallel = Math.max(1, o.parallel ?? availableParallelism());
  const pieceBytes = o.pieceBytes ?? MEMBER_BYTES;
  let parts: Buffer[] = [];
  let held = 0;
  let pieces = 0;
  let tail: Promise<void> = Promise.resolve();
  const inflight: Promise<void>[] = [];
  const t = new Transform({
    transform(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      held += chunk.length;
      while (held >= pieceBytes) {
        const all = Buffer.concat(parts);
        start(all.subarray(0, pieceBytes));
        const rest = all.subarray(pieceBytes);
        parts = rest.length ? [rest] : [];
        held = rest.length;
      }
      waitForRoom().then(() => cb(), cb);
    },
    flush(cb) {
      // The last piece; an empty input still becomes one valid (empty) member.
      if (held > 0 || pieces === 0) start(Buffer.concat(parts));
      parts = [];
      tail.then(() => cb(), cb);
    },
  });
  const start = (piece: Buffer) => {
    pieces++;
    const work = codec.compress(piece, o.signal);
    work.catch(() => undefined);
    const pushed = (tail = tail.then(() => work).then((b) => {
      inflight.shift();
      t.push(b);
    }));
    pushed.catch((e: Error) => t.destroy(e));
    inflight.push(pushed);
  };
  const waitForRoom = async () => {
    while (inflight.length >= parallel) await inflight[0];
  };
  (input as Readable).on('error', (e) => t.destroy(e));
  return (input as Readable).pipe(t);
}

/** A compressor process over a whole stream: `input` into its stdin, its stdout returned. */
function processStream(bin: string, args: string[], input: NodeJS.ReadableStream, signal?: AbortSignal): Readable {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'ignore'], signal });
  child.stdin.on('error', () => undefined);
  child.on('error', (e) => child.stdout.destroy(e));
  child.on('close', (code) => {
    if (code !== 0 && code !== null) child.stdout.destroy(new Error(`${bin} exited with ${code}`));
  });
  (input as Readable).on('error', (e) => {
    child.kill();
    child.stdout.destroy(e);
  });
  (input as Readable).pipe(child.stdin);
  return child.stdout;
}

/** GNU gzip as one process over a whole stream (one core), or undefined when the host has none. */
export function gzipProcessStream(input: NodeJS.ReadableStream, o: { signal?: AbortSignal; bin?: string } = {}): Readable | undefined {
  if (!gnuGzipCodec(o.bin)) return undefined;
  return processStream(o.bin ?? 'gzip', [`-${GZIP_LEVEL}`, '-n', '-c'], input, o.signal);
}

let xzFound: boolean | undefined;

/** Whether this host has xz (XZ Utils 5.2+ compresses on several threads). */
export function hostHasXz(bin = 'xz'): boolean {
  if (bin !== 'xz') return spawnSync(bin, ['--version'], { timeout: 5000 }).status === 0;
  xzFound ??= spawnSync(bin, ['--version'], { timeout: 5000 }).status === 0;
  return xzFound;
}

/**
 * xz -0 over a whole stream on every core, or undefined when the host has no xz. Measured on the
 * lab's 100 MB arm64 image: 26% fewer bytes than gzip -6 (21.5 MB against 29.2 MB) in about the
 * same time on two cores, so on a 20 Mbit/s link the link, not xz, stays the bottleneck
 * (bench/ship-deploy.ts). Presets above 0 compress more but take twice as long and then hold the link up.
 */
export function xzProcessStream(input: NodeJS.ReadableStream, o: { signal?: AbortSignal; bin?: string } = {}): Readable | undefined {
  if (!hostHasXz(o.bin)) return undefined;
  return processStream(o.bin ?? 'xz', ['-0', `-T${availableParallelism()}`, '-c', '-q'], input, o.signal);
}
