// Shipping a first deploy by stream: the build engine's save archive (or one made from its layer
// store with only the missing layers, layer-store.ts), cut down to the config and the layers the
// device lacks (save-filter.ts), compressed as it flows with the same gzip -6 as
// `docker save | gzip`, straight into the device runtime's load over an exec channel. This is the
// baseline pipeline minus the layers the device has; nothing waits for a whole layer to be
// compressed before the first byte goes, which the registry path must (a manifest names every
// compressed digest before a pull may start). It cannot resume inside the archive: a dropped link
// restarts it (ship.ts falls back to the prepared path then, which can).

import { PassThrough, Transform, type Readable } from 'node:stream';
import type { SshConnection } from '../ssh/connection';
import { CommandFailedError, execRemote } from '../ssh/exec';
import type { BlobCache } from './blob-cache';
import { compressStream, gzipProcessStream, xzProcessStream } from './compress';
import { exportImage } from './engine';
import type { ProgressTracker } from './progress';
import { loadArgv, type ShipRuntime } from './runtime';
import { storeArchive, type LayerStore } from './layer-store';
import { filterSaveArchive, type SaveFilterStats } from './save-filter';

/** Compressed bytes held ready for the link (about 2 s at 20 Mbit/s). */
const LINK_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * How the stream is compressed: one GNU gzip process (default; like the baseline's gzip it sends
 * its first bytes at once, and measured fastest here), or fixed 8 MiB pieces on every core (each
 * piece must be whole before its first byte goes, which leaves the link idle at the start).
 * Without GNU gzip on the host, the pieces with zlib. Or xz -0 on every core (compress.ts), which
 * ship.ts picks when the host and the device both have xz: 26% fewer bytes at about gzip's speed.
 */
export type StreamCompressor = 'pieces' | 'process' | 'xz';

/** Options of one streamed transfer. */
export interface StreamOptions {
  /** The image in the build engine (its ID). */
  imageId: string;
  /** Its layers' diff IDs, bottom first. */
  diffIds: readonly string[];
  /** Diff IDs the device lacks: only these layers are sent. */
  missing: ReadonlySet<string>;
  runtime: ShipRuntime;
  /** For temporary files of layers spooled while their digest is learnt. */
  cache: BlobCache;
  progress: ProgressTracker;
  signal?: AbortSignal;
  compressor?: StreamCompressor;
  /** The engine's export, when the caller started it early; stopped with the transfer. */
  exported?: StartedExport;
  /** The engine's layer store, when it can be read here: the archive is made from it (no export). */
  store?: LayerStore;
}

/** An export of the build engine started ahead of the decision to stream, and its stop. */
export interface StartedExport {
  stream: { stdout: Readable; done: Promise<void> };
  stop(): void;
}

/** Start the engine's export of an image now; `stop` drops it (also when `signal` fires). */
export function startExport(imageId: string, signal?: AbortSignal): StartedExport {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const stream = exportImage(imageId, ac.signal);
  const stop = () => {
    signal?.removeEventListener('abort', onAbort);
    if (!ac.signal.aborted) ac.abort();
  };
  stream.done.then(() => signal?.removeEventListener('abort', onAbort), () => undefined);
  return { stream, stop };
}

/** An archive of only the missing layers, made from the engine's layer store as it is sent. */
function fromStore(store: LayerStore, o: StreamOptions, signal: AbortSignal): StartedExport {
  const stream = storeArchive(store, { imageId: o.imageId, diffIds: o.diffIds, missing: o.missing, signal });
  return { stream, stop: () => stream.stdout.destroy() };
}

/** What a streamed transfer did. */
export interface StreamResult {
  /** Compressed bytes handed to the channel. */
  bytesSent: number;
  stats: SaveFilterStats;
}

/** Whether a runtime's load reads a gzip-compressed archive from standard input. */
export function loadReadsGzip(rt: ShipRuntime): boolean {
  // Docker's load decompresses whatever it is given (every version Pier supports). Podman's
  // documentation says its load takes compressed archives from 4.9 on; older ones get a prepared load.
  if (rt.name === 'docker') return true;
  if (rt.name !== 'podman') return false;
  const [major, minor] = (rt.version ?? '').split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 9);
}

/** Stream the image's missing layers into the device's load; resolves once the device loaded it. */
export async function streamThroughExec(conn: SshConnection, o: StreamOptions): Promise<StreamResult> {
  // One controller stops every stage: the caller's cancel, or a failure of any stage.
  const ac = new AbortController();
  const onAbort = () => ac.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    ac.abort(e);
  };
  const started = o.exported ?? (o.store ? fromStore(o.store, o, ac.signal) : startExport(o.imageId, ac.signal));
  ac.signal.addEventListener('abort', () => started.stop(), { once: true });
  const save = started.stream;
  save.done.catch(fail);
  // Progress is what the link took, not what entered the compressor: the filter's per-layer
  // counts are held back and let through as the channel takes compressed bytes, in proportion
  // (the uncompressed bytes whose compressed form has gone, assuming an even ratio in between).
  const held: { at: number; apply(): void }[] = [];
  let produced = 0;
  let filtered0 = 0;
  const release = (upTo: number) => {
    while (held.length && held[0].at <= upTo) held.shift()!.apply();
  };
  const filtered = filterSaveArchive(save.stdout, {
    diffIds: o.diffIds,
    keep: o.missing,
    tempPath: () => o.cache.tempPath('stream-layer'),
    onLayerStart: (key, size) => o.progress.addLayer(key, size),
    onLayerBytes: (key, n) => {
      filtered0 += n;
      held.push({ at: filtered0, apply: () => o.progress.add(key, n) });
    },
    onLayerEnd: (key, diffId) => held.push({ at: filtered0, apply: () => o.progress.rename(key, diffId) }),
  });
  filtered.done.catch(fail);
  const gz = (o.compressor === 'xz' ? xzProcessStream(filtered.output, { signal: ac.signal }) : undefined) ?? (o.compressor !== 'pieces' ? gzipProcessStream(filtered.output, { signal: ac.signal }) : undefined) ?? compressStream(filtered.output, { signal: ac.signal });
  gz.on('error', fail);
  gz.on('data', (d: Buffer) => (produced += d.length));
  let bytesSent = 0;
  // A deep buffer before the link: on a loaded machine an earlier stage may not run for a while,
  // and the link must not idle meanwhile (it is the bottleneck, as in the baseline).
  const buffer = new PassThrough({ highWaterMark: LINK_BUFFER_BYTES });
  const counted: Readable = gz.pipe(buffer).pipe(
    new Transform({
      transform(chunk: Buffer, _e, cb) {
        bytesSent += chunk.length;
        release(produced > 0 ? (filtered0 * bytesSent) / produced : 0);
        cb(null, chunk);
      },
    }),
  );
  const argv = loadArgv(o.runtime);
  try {
    const r = await execRemote(conn, argv, { signal: ac.signal, stdin: counted });
    if (failure && !o.signal?.aborted) throw failure;
    if (r.code !== 0) throw new CommandFailedError(conn.target.name, argv, r);
    const [stats] = await Promise.all([filtered.done, save.done]);
    release(Infinity);
    return { bytesSent, stats };
  } catch (e) {
    // A stage that failed first is the reason; the load only saw its input end early.
    if (failure && !o.signal?.aborted) throw failure;
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!ac.signal.aborted) ac.abort();
  }
}
