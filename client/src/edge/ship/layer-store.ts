// Reading single layers of a local Docker engine from its own layer store, so a redeploy that
// changed one small layer does not export the whole image (`docker save` writes every layer to a
// temporary folder before the first byte comes out). Docker keeps, for each layer, the files
// (overlay2's diff folder) and a tar-split record: the tar's header and padding bytes, with the
// file contents left out. Joining the two gives back the layer tar byte for byte — Docker's save
// does the same — and the caller checks the result against the layer's diff ID, so a store that
// is not what this reader expects is noticed and the export is used instead.

import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream, accessSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline as pipeStreams, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { hexOf } from './blob-cache';
import { chainIds } from './device-images';
import { engineStorage } from './engine';
import { fileHeader, packEntry } from './tar-entry';
import { saveManifest } from './transfer-load';

/** Where a local engine keeps its layers. */
export interface LayerStore {
  /** The engine's data root, e.g. /var/lib/docker. */
  root: string;
}

/** A store this process can read: Docker's overlay2 driver with its data root readable here. */
export function layerStoreAt(root: string | undefined, driver: string | undefined): LayerStore | undefined {
  if (!root || driver !== 'overlay2' || !isAbsolute(root)) return undefined;
  try {
    accessSync(join(root, 'image', 'overlay2', 'layerdb', 'sha256'), constants.R_OK | constants.X_OK);
    accessSync(join(root, 'overlay2'), constants.R_OK | constants.X_OK);
    return { root };
  } catch {
    return undefined;
  }
}

/** The build engine's layer store, when the engine is local (asked once: engineStorage) and its store readable here. */
export async function engineLayerStore(signal?: AbortSignal): Promise<LayerStore | undefined> {
  const info = await engineStorage(signal).catch(() => undefined);
  return layerStoreAt(info?.root, info?.driver);
}


/** The image's config as the engine stored it, or undefined when it is not there or not exact. */
export function storedConfig(store: LayerStore, imageId: string): Buffer | undefined {
  try {
    const b = readFileSync(join(store.root, 'image', 'overlay2', 'imagedb', 'content', 'sha256', hexOf(imageId)));
    return `sha256:${createHash('sha256').update(b).digest('hex')}` === imageId ? b : undefined;
  } catch {
    return undefined;
  }
}

/** One record of a tar-split file: 1 = a file's contents (left out), 2 = raw tar bytes. */
interface SplitEntry {
  type: number;
  name?: string;
  name_raw?: string;
  size?: number;
  payload?: string;
}

/** The file a tar entry's contents come from, inside the layer's diff folder (never outside it). */
function contentPath(diffDir: string, e: SplitEntry): string {
  const name = e.name_raw ? Buffer.from(e.name_raw, 'base64').toString('latin1') : (e.name ?? '');
  const p = normalize(join(diffDir, name));
  if (p !== diffDir && !p.startsWith(diffDir + sep)) throw new Error(`a tar-split entry points outside the layer: ${name}`);
  return p;
}

/** The layer's record folder and its files' folder, checked against the diff ID asked for. */
function layerPaths(store: LayerStore, diffIds: readonly string[], index: number): { layerDir: string; diffDir: string } {
  const layerDir = join(store.root, 'image', 'overlay2', 'layerdb', 'sha256', hexOf(chainIds(diffIds)[index]));
  const recorded = readFileSync(join(layerDir, 'diff'), 'utf8').trim();
  if (recorded !== diffIds[index]) throw new Error(`the layer store records ${recorded} where ${diffIds[index]} was expected`);
  const cacheId = readFileSync(join(layerDir, 'cache-id'), 'utf8').trim();
  if (!/^[\w-]+$/.test(cacheId)) throw new Error(`unexpected cache-id '${cacheId}'`);
  return { layerDir, diffDir: join(store.root, 'overlay2', cacheId, 'diff') };
}

/** A layer's tar-split record, read whole (headers and padding only: about 1% of the layer). */
async function splitEntries(layerDir: string, signal?: AbortSignal): Promise<SplitEntry[]> {
  // pipeline, not pipe: a missing or unreadable record must fail the read, not throw unheard.
  const input = pipeStreams(createReadStream(join(layerDir, 'tar-split.json.gz')), createGunzip(), () => undefined);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const entries: SplitEntry[] = [];
  for await (const line of lines) {
    if (signal?.aborted) throw new Error('cancelled');
    if (line) entries.push(JSON.parse(line) as SplitEntry);
  }
  return entries;
}

/** A layer of the store: its tar's byte size (from the record alone) and a reader of its bytes. */
export interface StoredLayer {
  size: number;
  bytes(): AsyncGenerator<Buffer>;
}

/** The layer at `index` of an image with these diff IDs, its record read once. */
export async function storedLayer(store: LayerStore, diffIds: readonly string[], index: number, signal?: AbortSignal): Promise<StoredLayer> {
  const { layerDir, diffDir } = layerPaths(store, diffIds, index);
  const entries = await splitEntries(layerDir, signal);
  let size = 0;
  for (const e of entries) {
    if (e.type === 2) size += e.payload ? Buffer.byteLength(e.payload, 'base64') : 0;
    else size += e.size ?? 0;
  }
  return { size, bytes: () => layerBytes(entries, diffDir, signal) };
}

/** A layer's tar: the record's segments with its files' contents from the diff folder between. */
async function* layerBytes(entries: readonly SplitEntry[], diffDir: string, signal?: AbortSignal): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if (signal?.aborted) throw new Error('cancelled');
    if (e.type === 2) {
      if (e.payload) yield Buffer.from(e.payload, 'base64');
      continue;
    }
    if (e.type !== 1) throw new Error(`unknown tar-split record type ${e.type}`);
    const size = e.size ?? 0;
    if (size === 0) continue;
    let got = 0;
    for await (const chunk of createReadStream(contentPath(diffDir, e))) {
      got += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (got !== size) throw new Error(`${e.name} has ${got} bytes in the layer store, the layer records ${size}`);
  }
}

/**
 * Write one layer rebuilt from the store to `dest`; resolves with its byte count once its digest
 * is checked against the diff ID (a mismatch rejects, and the caller exports the image instead).
 */
export async function writeStoredLayer(store: LayerStore, diffIds: readonly string[], index: number, dest: string, signal?: AbortSignal): Promise<number> {
  const hash = createHash('sha256');
  let size = 0;
  const layer = await storedLayer(store, diffIds, index, signal);
  const hashing = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  // A failing read or write (a full disk) rejects here; nothing is left unheard.
  await pipeline(Readable.from(layer.bytes()), hashing, createWriteStream(dest));
  const digest = `sha256:${hash.digest('hex')}`;
  if (digest !== diffIds[index]) throw new Error(`the layer rebuilt from the store has digest ${digest}, not its diff ID ${diffIds[index]}`);
  return size;
}

/**
 * A save archive made from the store: the config, the layers in `missing` as OCI-style blobs
 * named by diff ID (sizes from their tar-split records, so each streams as it is read), and
 * manifest.json last, naming every layer; a load skips the layers whose chain it has. Nothing is
 * exported by the engine, so the first byte goes at once.
 */
export function storeArchive(store: LayerStore, o: { imageId: string; diffIds: readonly string[]; missing: ReadonlySet<string>; signal?: AbortSignal }): { stdout: Readable; done: Promise<void> } {
  const p = pack();
  const write = async () => {
    const config = storedConfig(store, o.imageId);
    if (!config) throw new Error(`the layer store has no config for ${o.imageId}`);
    await packEntry(p, fileHeader(`${hexOf(o.imageId)}.json`), config);
    const sent = new Set<string>();
    for (const [i, d] of o.diffIds.entries()) {
      if (!o.missing.has(d) || sent.has(d)) continue;
      sent.add(d);
      const layer = await storedLayer(store, o.diffIds, i, o.signal);
      await packEntry(p, fileHeader(`blobs/sha256/${hexOf(d)}`, layer.size), Readable.from(layer.bytes()));
    }
    const manifest = saveManifest({ id: o.imageId, layers: o.diffIds.map((diffId) => ({ diffId })) }, (hex) => `blobs/sha256/${hex}`);
    await packEntry(p, fileHeader('manifest.json'), manifest);
    p.finalize();
  };
  const done = write();
  // A failure is told through `done`; the stream's own error event must not throw unheard.
  p.on('error', () => undefined);
  done.catch((e: Error) => p.destroy(e));
  return { stdout: p as unknown as Readable, done };
}
