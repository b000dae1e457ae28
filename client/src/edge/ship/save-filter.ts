// A filter over a `docker save` archive as it streams: it keeps the image config and the small
// files, keeps only the layers a device lacks, and re-emits every kept entry with the size its
// header gave, so nothing is held whole. manifest.json is held back and written last, so a
// cut-short archive names no image and a load of it loads nothing.
//
// Which layer an entry is: an OCI-layout archive (Docker 25+) names a layer blob by its digest,
// which is the diff ID. The legacy layout (Docker before 25, e.g. the lab's 20.10) names it
// `<v1 id>/layer.tar`; the directory's `json`, which comes first, tells which layer that is
// (save-v1-id.ts). Should it not, the layer is hashed as it is read: when every layer of the image
// is wanted, it goes through at once (its diff ID is learnt at its end, for progress); otherwise it
// is spooled (memory up to a bound, then a temporary file) while hashed, and only then kept or dropped.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { extract, pack, type Header } from 'tar-stream';
import { chainIds } from './device-images';
import { fileHeader, packEntry } from './tar-entry';
import { layerOfV1Json } from './save-v1-id';

/** Layers spooled in memory up to this size; larger ones go to a temporary file. */
const MEMORY_SPOOL_BYTES = 8 * 1024 * 1024;

/** What the filter tells about layers as they go. */
export interface SaveFilterEvents {
  /** A kept layer starts: `key` is its diff ID when known, else its archive path. */
  onLayerStart?(key: string, size: number): void;
  /** Uncompressed bytes of a kept layer written on. */
  onLayerBytes?(key: string, bytes: number): void;
  /** A kept layer ended; `diffId` is what its content hashed to. */
  onLayerEnd?(key: string, diffId: string): void;
}

/** Options of `filterSaveArchive`. */
export interface SaveFilterOptions extends SaveFilterEvents {
  /** Diff IDs of every layer of the image (bottom first). */
  diffIds: readonly string[];
  /** Diff IDs to keep; the other layers are dropped. */
  keep: ReadonlySet<string>;
  /** Where large layers are spooled while their digest is learnt. */
  tempPath(): string;
}

/** What went through, once the output ended. */
export interface SaveFilterStats {
  /** Diff IDs of the layers written, in archive order. */
  kept: string[];
  /** Diff IDs of the layers dropped. */
  dropped: string[];
  /** Uncompressed bytes of the kept layers. */
  keptBytes: number;
}

const hexOf = (d: string) => d.replace(/^sha256:/, '');

/** Filter a save archive stream; the output is a tar stream, `done` settles when it has ended. */
export function filterSaveArchive(input: Readable, o: SaveFilterOptions): { output: Readable; done: Promise<SaveFilterStats> } {
  const out = pack();
  const ex = extract();
  const stats: SaveFilterStats = { kept: [], dropped: [], keptBytes: 0 };
  const allKept = new Set(o.diffIds).size > 0 && o.diffIds.every((d) => o.keep.has(d));
  const imageLayers = new Set(o.diffIds.map(hexOf));
  let manifest: Buffer | undefined;
  const temps: string[] = [];
  const chains = chainIds(o.diffIds);
  // Legacy layer directories identified by their json: v1 ID -> diff ID.
  const known = new Map<string, string>();

  // Write one entry whose body comes from `body`, counting kept layer bytes under `key`.
  const emit = (h: Header, body: Readable, key?: string) => {
    const count =
      key === undefined
        ? undefined
        : new Transform({
            transform(chunk: Buffer, _e, cb) {
              stats.keptBytes += chunk.length;
              o.onLayerBytes?.(key, chunk.length);
              cb(null, chunk);
            },
          });
    return packEntry(out, headerOf(h), body, count);
  };

  const onEntry = async (h: Header, body: Readable): Promise<void> => {
    const name = h.name.replace(/^\.\//, '');
    const size = h.size ?? 0;
    if (name === 'manifest.json') {
      manifest = await collect(body);
      return;
    }
    const v1Json = /^([0-9a-f]{64})\/json$/.exec(name)?.[1];
    if (v1Json && h.type === 'file') {
      const text = await collect(body);
      const i = layerOfV1Json(v1Json, text.toString('utf8'), chains);
      if (i !== undefined) known.set(v1Json, o.diffIds[i]);
      return emit(h, Readable.from([text]));
    }
    const ociHex = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name)?.[1];
    const isLayer = h.type === 'file' && (name.endsWith('/layer.tar') || (ociHex !== undefined && imageLayers.has(ociHex)));
    if (!isLayer) return emit(h, body);
    const knownId = ociHex ? `sha256:${ociHex}` : known.get(name.slice(0, -'/layer.tar'.length));
    if (knownId) {
      const diffId = knownId;
      if (!o.keep.has(diffId)) return drop(body, diffId);
      return keepLayer(h, body, diffId, diffId);
    }
    if (allKept) {
      // Hash on the way through; the content says which layer this was once it has passed.
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      body.on('error', (e) => hashing.destroy(e));
      await keepLayer(h, body.pipe(hashing), name, undefined, () => `sha256:${hash.digest('hex')}`);
      return;
    }
    const spooled = await spool(body, size, o.tempPath, temps);
    if (!o.keep.has(spooled.diffId)) {
      spooled.dispose();
      stats.dropped.push(spooled.diffId);
      return;
    }
    await keepLayer(h, spooled.open(), spooled.diffId, spooled.diffId);
    spooled.dispose();
  };

  const keepLayer = async (h: Header, body: Readable, key: string, diffId?: string, learnt?: () => string) => {
    o.onLayerStart?.(key, h.size ?? 0);
    await emit(h, body, key);
    const id = diffId ?? learnt!();
    stats.kept.push(id);
    o.onLayerEnd?.(key, id);
  };

  const drop = async (body: Readable, diffId: string) => {
    stats.dropped.push(diffId);
    body.resume();
    await new Promise<void>((resolve, reject) => body.on('end', resolve).on('error', reject));
  };

  const done = new Promise<SaveFilterStats>((resolve, reject) => {
    const fail = (e: Error) => {
      for (const t of temps) rmSync(t, { force: true });
      out.destroy(e);
      ex.destroy(e);
      reject(e);
    };
    ex.on('entry', (h, body, next) => onEntry(h, body as unknown as Readable).then(() => next(), fail));
    ex.on('error', fail);
    input.on('error', fail);
    ex.on('finish', () => {
      if (!manifest) return fail(new Error('the save archive has no manifest.json'));
      // Last: a load of an archive cut before this point finds no manifest and loads nothing.
      packEntry(out, fileHeader('manifest.json'), manifest).then(() => {
        out.finalize();
        resolve(stats);
      }, fail);
    });
  });
  done.catch(() => undefined);
  input.pipe(ex as unknown as NodeJS.WritableStream);
  return { output: out as unknown as Readable, done };
}

/** The header of a re-emitted entry: its name, type, size and mode; times are kept as given. */
function headerOf(h: Header): Header {
  return { name: h.name, type: h.type, size: h.type === 'file' ? h.size : 0, mode: h.mode, mtime: h.mtime, linkname: h.linkname, uid: h.uid, gid: h.gid, uname: h.uname, gname: h.gname, devmajor: h.devmajor, devminor: h.devminor };
}

function collect(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (d: Buffer) => chunks.push(d));
    body.on('end', () => resolve(Buffer.concat(chunks)));
    body.on('error', reject);
  });
}

/** Read a layer to its end while hashing it, in memory when small, else into a temporary file. */
async function spool(body: Readable, size: number, tempPath: () => string, temps: string[]): Promise<{ diffId: string; open(): Readable; dispose(): void }> {
  const hash = createHash('sha256');
  if (size <= MEMORY_SPOOL_BYTES) {
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      body.on('data', (d: Buffer) => {
        hash.update(d);
        chunks.push(d);
      });
      body.on('end', resolve).on('error', reject);
    });
    const data = Buffer.concat(chunks);
    return { diffId: `sha256:${hash.digest('hex')}`, open: () => Readable.from([data]), dispose: () => undefined };
  }
  const path = tempPath();
  temps.push(path);
  const file: WriteStream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    body.on('data', (d: Buffer) => {
      hash.update(d);
      if (!file.write(d)) {
        body.pause();
        file.once('drain', () => body.resume());
      }
    });
    body.on('end', () => file.end(resolve));
    body.on('error', reject);
    file.on('error', reject);
  });
  return { diffId: `sha256:${hash.digest('hex')}`, open: () => createReadStream(path), dispose: () => rmSync(path, { force: true }) };
}
