// Reads `docker save` output as it streams: each layer tar is walked entry by entry (headers
// only; file contents pass through and are dropped), so the image is never held in memory. Both
// layouts are read: the classic one (`<id>/layer.tar`, `manifest.json`) and the OCI layout of
// newer engines (`blobs/sha256/<digest>`, gzip or plain). The stream comes from the Engine API
// over its unix socket when the CLI would use that socket, else from `docker save`.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

/** One file-system entry of a layer, as the tar header says. */
export interface LayerEntry {
  path: string;
  type: 'file' | 'directory' | 'link' | 'symlink' | 'other';
  size: number;
}

/** What a save stream held: each layer's entries by its name in the archive, the small JSON files. */
export interface SavedArchive {
  layers: Map<string, LayerEntry[]>;
  json: Map<string, unknown>;
  /** Bytes read from the stream. */
  bytes: number;
}

/** Failure to read an image (no such image, engine down, cancelled). */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

const MAX_JSON = 16 * 1024 * 1024;

function entryType(h: Header): LayerEntry['type'] {
  if (h.type === 'file' || h.type === 'contiguous-file') return 'file';
  if (h.type === 'directory') return 'directory';
  if (h.type === 'link') return 'link';
  if (h.type === 'symlink') return 'symlink';
  return 'other';
}

/** A tar-stream entry body (a streamx readable), read as an async iterator. */
type Body = AsyncIterable<Buffer> & { resume(): unknown };

/** Write chunks into a Node stream, waiting for drain (back-pressure reaches `docker save`). */
async function pump(chunks: AsyncIterator<Buffer>, first: Buffer, into: PassThrough): Promise<void> {
  if (first.length && !into.write(first)) await once(into, 'drain');
  for (let r = await chunks.next(); !r.done; r = await chunks.next()) if (!into.write(r.value)) await once(into, 'drain');
  into.end();
}

/** Walk one layer tar (plain or gzip), collecting headers; contents are dropped. */
async function readLayer(chunks: AsyncIterator<Buffer>, first: Buffer): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, body, next) => {
      entries.push({ path: h.name, type: entryType(h), size: h.size ?? 0 });
      body.on('end', () => next());
      body.resume();
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  const src = new PassThrough();
  if (first[0] === 0x1f && first[1] === 0x8b) {
    const gz = createGunzip();
    gz.on('error', (e) => ex.destroy(e));
    src.pipe(gz).pipe(ex as unknown as NodeJS.WritableStream);
  } else src.pipe(ex as unknown as NodeJS.WritableStream);
  await Promise.all([pump(chunks, first, src), done]);
  return entries;
}

/** Collect a small body (JSON files); larger bodies are read through and skipped. */
async function readSmall(chunks: AsyncIterator<Buffer>, first: Buffer, limit: number): Promise<Buffer | undefined> {
  const got = [first];
  let n = first.length;
  for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
    n += r.value.length;
    if (n <= limit) got.push(r.value);
  }
  return n > limit ? undefined : Buffer.concat(got);
}

/** Read at least `want` bytes (or the whole body when shorter). */
async function peek(chunks: AsyncIterator<Buffer>, want: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  while (n < want) {
    const r = await chunks.next();
    if (r.done) break;
    got.push(r.value);
    n += r.value.length;
  }
  return Buffer.concat(got);
}

async function drain(chunks: AsyncIterator<Buffer>): Promise<void> {
  for (let r = await chunks.next(); !r.done; r = await chunks.next());
}

function isTar(b: Buffer): boolean {
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
}

/** Read a save archive from a stream. */
export function readSaveStream(input: Readable, onProgress?: (bytes: number) => void): Promise<SavedArchive> {
  return new Promise((resolve, reject) => {
    const out: SavedArchive = { layers: new Map(), json: new Map(), bytes: 0 };
    let lastReport = 0;
    input.on('data', (d: Buffer) => {
      out.bytes += d.length;
      if (onProgress && out.bytes - lastReport > 16 * 1024 * 1024) {
        lastReport = out.bytes;
        onProgress(out.bytes);
      }
    });
    const ex = extract();
    ex.on('entry', (h, body, next) => {
      const name = h.name.replace(/^\.\//, '');
      const work = async () => {
        const chunks = (body as unknown as Body)[Symbol.asyncIterator]();
        if (h.type !== 'file' && h.type !== 'contiguous-file') return drain(chunks);
        const first = (h.size ?? 0) > 0 ? await peek(chunks, 512) : Buffer.alloc(0);
        if (name.endsWith('/layer.tar') || (name.startsWith('blobs/') && (isTar(first) || (first[0] === 0x1f && first[1] === 0x8b)))) {
          out.layers.set(name, await readLayer(chunks, first));
        } else if (name.endsWith('.json') || (name.startsWith('blobs/') && first[0] === 0x7b)) {
          const buf = await readSmall(chunks, first, MAX_JSON);
          if (buf) {
            try {
              out.json.set(name, JSON.parse(buf.toString('utf8')));
            } catch {
              // Not JSON after all (a blob that starts with `{`): not needed.
            }
          }
        } else await drain(chunks);
      };
      work().then(() => next(), (e: unknown) => ex.destroy(e as Error));
    });
    ex.on('finish', () => resolve(out));
    ex.on('error', (e) => reject(new ImageReadError(`cannot read the saved image: ${e.message}`)));
    input.on('error', (e) => reject(new ImageReadError(e.message)));
    input.pipe(ex as unknown as NodeJS.WritableStream);
  });
}

/**
 * The engine's unix socket when the docker CLI would talk to it too: DOCKER_HOST unset (or
 * `unix://`), no context chosen (DOCKER_CONTEXT, or `currentContext` in the CLI's config).
 * Otherwise undefined, and the CLI is used so contexts, TLS and SSH hosts keep working.
 */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice(7) : undefined;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  try {
    const config = JSON.parse(readFileSync(join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json'), 'utf8')) as { currentContext?: string };
    if (config.currentContext && config.currentContext !== 'default') return undefined;
  } catch {
    // No CLI config: the default socket.
  }
  return existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined;
}

/** Options of a read. */
export interface ReadImageOptions {
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  env?: Record<string, string>;
}

/**
 * Stream an image save into `readSaveStream`; it is never written to disk or held whole. Reads
 * the Engine API's `GET /images/{name}/get` over the socket when the CLI would use that socket
 * (one copy fewer than through the CLI), `docker save` otherwise.
 */
export function readSavedImage(ref: string, o: ReadImageOptions = {}): Promise<SavedArchive> {
  const socket = engineSocket({ ...process.env, ...o.env });
  return socket ? readViaApi(socket, ref, o) : readViaCli(ref, o);
}

/** The message of an Engine API error body (`{"message": ...}`), or the body as it came. */
export function apiMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
  } catch {
    // Not JSON.
  }
  return text.trim();
}

function readViaApi(socketPath: string, ref: string, o: ReadImageOptions): Promise<SavedArchive> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new ImageReadError('cancelled'));
    const cancelled = () => new ImageReadError('cancelled');
    const req = request({ socketPath, path: `/images/${encodeURIComponent(ref)}/get`, method: 'GET', headers: { host: 'docker' } }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text = (text + d).slice(0, 16384)));
        res.on('end', () => reject(new ImageReadError(`Error response from daemon: ${apiMessage(text) || `status ${res.statusCode}`}`)));
        return;
      }
      readSaveStream(res, o.onProgress).then(resolve, (e: Error) => {
        req.destroy();
        reject(o.signal?.aborted ? cancelled() : e);
      });
    });
    const onAbort = () => req.destroy(cancelled());
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => o.signal?.removeEventListener('abort', onAbort));
    req.on('error', (e: NodeJS.ErrnoException) => reject(o.signal?.aborted ? cancelled() : new ImageReadError(`cannot read ${ref} from the engine at ${socketPath}: ${e.code ?? e.message}`)));
    req.end();
  });
}

function readViaCli(ref: string, o: ReadImageOptions): Promise<SavedArchive> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new ImageReadError('cancelled'));
    const child = spawn('docker', ['save', ref], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_CLI_HINTS: 'false', ...o.env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 16384) stderr += d.toString('utf8');
    });
    const onAbort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let parseFailed = false;
    const parse = readSaveStream(child.stdout, o.onProgress);
    parse.catch(() => {
      parseFailed = true;
      child.kill('SIGKILL');
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(new ImageReadError(e.code === 'ENOENT' ? 'the docker CLI is not installed' : e.message)));
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) return reject(new ImageReadError('cancelled'));
      const cliError = () => new ImageReadError(stderr.trim().split('\n').pop() || `docker save exited with ${code}`);
      // The parse settles once the stream has ended; the CLI's own error wins unless the parse failed first.
      parse.then(
        (a) => (code === 0 ? resolve(a) : reject(cliError())),
        (e: Error) => reject(code === 0 || parseFailed ? e : cliError()),
      );
    });
  });
}
