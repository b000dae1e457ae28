// Turn an image of the build engine into shippable blobs: its config, each layer compressed and
// cached by content, and a registry manifest. Layers already in the cache are not exported again;
// when some are missing, `docker save` is streamed once and only those layers are compressed, or,
// for a rebuild whose base layers are cached, the changed layers are read from the engine's layer store.

import { createHash } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { extract } from 'tar-stream';
import { BlobCache, sha256, type LayerRecord } from './blob-cache';
import { evictBlobs } from './cache-evict';
import { compressFile, defaultCodec } from './compress';
import { EngineError, imagePlatform, inspectImage, saveImage, type EngineImage } from './engine';
import { engineLayerStore, storedConfig, writeStoredLayer } from './layer-store';

/** Media types of Docker's image manifest v2 schema 2 (read by Docker, Podman, containerd, skopeo). */
export const MEDIA = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** An image ready to ship: every blob is in the cache. */
export interface PreparedImage {
  ref: string;
  /** Image ID: the config digest. */
  id: string;
  platform: string;
  config: { digest: string; size: number };
  layers: LayerRecord[];
  manifest: Buffer;
  manifestDigest: string;
  /** Whether this call had to export and compress anything. */
  exported: boolean;
  /** Where the missing layers came from: the engine's export, its layer store, or none were missing. */
  source: 'export' | 'store' | 'cache';
}

/** Progress of preparing: bytes exported from the engine, then bytes compressed. */
export type PrepareProgress = (p: { phase: 'export' | 'compress'; done: number; total?: number; layer?: string }) => void;

/** The manifest for a config and layers; the same inputs always give the same bytes. */
export function buildManifest(config: { digest: string; size: number }, layers: readonly Pick<LayerRecord, 'digest' | 'size' | 'mediaType'>[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, size: config.size, digest: config.digest },
      layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    }),
  );
}

/** Make an image shippable, exporting and compressing only what the cache lacks. */
export async function prepareImage(ref: string, o: { cache?: BlobCache; signal?: AbortSignal; onProgress?: PrepareProgress; image?: EngineImage; cacheMaxBytes?: number } = {}): Promise<PreparedImage> {
  const cache = o.cache ?? new BlobCache();
  const img = o.image ?? (await inspectImage(ref, o.signal));
  const missing = new Set(img.diffIds.filter((d) => !cache.layer(d)));
  let config = cache.getBytes(img.id);
  const exported = missing.size > 0 || !config;
  let source: PreparedImage['source'] = 'cache';
  if (exported) {
    // A rebuild of an image the cache partly holds: the changed layers come from the engine's
    // layer store when it can be read here, without exporting the whole image.
    const partly = missing.size < new Set(img.diffIds).size;
    const stored = partly ? await readMissingFromStore(img, missing, cache, config, o) : undefined;
    source = stored ? 'store' : 'export';
    config = stored ?? (await exportMissing(img, ref, missing, cache, o));
  }
  const layers = img.diffIds.map((d) => {
    const rec = cache.layer(d);
    if (!rec) throw new EngineError(`layer ${d} of ${ref} was not in the engine's export`);
    return rec;
  });
  const cfg = { digest: img.id, size: config!.length };
  // The cache grew: trim it to its cap (PIER_CACHE_MAX), never touching this image's blobs.
  if (exported) evictBlobs(cache, { maxBytes: o.cacheMaxBytes, keep: [cfg.digest, ...layers.map((l) => l.digest)] });
  const manifest = buildManifest(cfg, layers);
  return { ref, id: img.id, platform: imagePlatform(img), config: cfg, layers, manifest, manifestDigest: sha256(manifest), exported, source };
}

/** Stream `docker save`, keep the config, and compress the layers in `missing` into the cache. */
async function exportMissing(img: EngineImage, ref: string, missing: Set<string>, cache: BlobCache, o: { signal?: AbortSignal; onProgress?: PrepareProgress }): Promise<Buffer> {
  const save = saveImage(img.id, o.signal);
  const raw = new Map<string, { path: string; size: number }>();
  let config: Buffer | undefined;
  let exportedBytes = 0;
  const temps: string[] = [];
  try {
    const ex = extract();
    const parsed = new Promise<void>((resolve, reject) => {
      ex.on('entry', (h, body, next) => {
        const name = h.name.replace(/^\.\//, '');
        const size = h.size ?? 0;
        const fail = (e: unknown) => ex.destroy(e as Error);
        if (h.type !== 'file' && h.type !== 'contiguous-file') {
          body.on('end', next);
          body.resume();
          return;
        }
        // The config is small; keep every small file and pick the one whose digest is the image ID.
        if (size <= 4 * 1024 * 1024 && !name.endsWith('/layer.tar')) {
          const chunks: Buffer[] = [];
          body.on('data', (d) => void chunks.push(d as Buffer));
          body.on('end', () => {
            const b = Buffer.concat(chunks);
            if (sha256(b) === img.id) config = b;
            else if (missing.size && (name.startsWith('blobs/') || name.endsWith('layer.tar'))) keepLayerBytes(b);
            next();
          });
          return;
        }
        // A layer (or a large blob of the OCI layout): an OCI blob name is its digest, so blobs
        // that are not wanted are skipped without being written.
        const ociHex = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name)?.[1];
        if (!missing.size || (ociHex && !missing.has(`sha256:${ociHex}`))) {
          body.on('data', (d) => void (exportedBytes += (d as Buffer).length));
          body.on('end', next);
          body.resume();
          return;
        }
        const tmp = cache.tempPath('layer-raw');
        temps.push(tmp);
        const hash = createHash('sha256');
        const out = createWriteStream(tmp);
        out.on('error', fail); // a full disk fails the prepare
        body.on('data', (chunk) => {
          const d = chunk as Buffer;
          hash.update(d);
          exportedBytes += d.length;
          o.onProgress?.({ phase: 'export', done: exportedBytes });
          if (!out.write(d)) {
            body.pause();
            out.once('drain', () => body.resume());
          }
        });
        body.on('error', fail);
        body.on('end', () => {
          out.end(() => {
            const digest = `sha256:${hash.digest('hex')}`;
            if (missing.has(digest)) raw.set(digest, { path: tmp, size });
            else cache.dropTemp(tmp);
            next();
          });
        });
      });
      ex.on('finish', resolve);
      ex.on('error', reject);
    });
    // Tiny layers (an empty COPY, a metadata-only layer) arrive through the small-file path.
    function keepLayerBytes(b: Buffer) {
      const d = sha256(b);
      if (!missing.has(d) || raw.has(d)) return;
      const tmp = cache.tempPath('layer-raw');
      temps.push(tmp);
      writeFileSync(tmp, b);
      raw.set(d, { path: tmp, size: b.length });
    }
    save.stdout.pipe(ex as unknown as NodeJS.WritableStream);
    await Promise.all([parsed, save.done]);
    if (!config) throw new EngineError(`docker save ${ref} did not contain the image config ${img.id}`);
    cache.putBytes(config);
    await compressLayers(img, missing, raw, cache, temps, o, `docker save ${ref}`);
    return config;
  } finally {
    for (const t of temps) cache.dropTemp(t);
  }
}

/** Compress the raw layer files in `raw` into the cache, in the image's layer order. */
async function compressLayers(img: EngineImage, missing: Set<string>, raw: Map<string, { path: string; size: number }>, cache: BlobCache, temps: string[], o: { signal?: AbortSignal; onProgress?: PrepareProgress }, source: string): Promise<void> {
  const total = [...raw.values()].reduce((n, r) => n + r.size, 0);
  let doneBefore = 0;
  const codec = defaultCodec();
  for (const diffId of new Set(img.diffIds)) {
    if (!missing.has(diffId)) continue;
    const r = raw.get(diffId);
    if (!r) throw new EngineError(`${source} did not contain layer ${diffId}`);
    const tmpOut = cache.tempPath('blob');
    temps.push(tmpOut);
    const c = await compressFile(r.path, tmpOut, { codec, signal: o.signal, onBytes: (n) => o.onProgress?.({ phase: 'compress', done: doneBefore + n, total, layer: diffId }) });
    if (c.inputDigest !== diffId) throw new EngineError(`layer ${diffId} changed while it was compressed`);
    cache.commitBlob(tmpOut, c.digest);
    cache.putLayer({ diffId, digest: c.digest, size: c.size, uncompressedSize: c.inputSize, mediaType: MEDIA.layerGzip, compressor: codec.id });
    doneBefore += r.size;
    cache.dropTemp(r.path);
  }
}

/**
 * Read the missing layers (and the config, when the cache lacks it) from the engine's own layer
 * store instead of exporting the image; undefined when the store cannot be read here or a layer
 * does not come back with its diff ID, and the caller exports instead. Used when the cache has
 * some of the image already (a rebuild that changed its top layers): rebuilding a large base
 * layer file by file is slower than the engine's export, a small changed layer far faster.
 */
async function readMissingFromStore(img: EngineImage, missing: Set<string>, cache: BlobCache, cachedConfig: Buffer | undefined, o: { signal?: AbortSignal; onProgress?: PrepareProgress }): Promise<Buffer | undefined> {
  const store = await engineLayerStore(o.signal);
  if (!store) return undefined;
  const config = cachedConfig ?? storedConfig(store, img.id);
  if (!config) return undefined;
  const raw = new Map<string, { path: string; size: number }>();
  const temps: string[] = [];
  try {
    for (const [i, diffId] of img.diffIds.entries()) {
      if (!missing.has(diffId) || raw.has(diffId)) continue;
      const tmp = cache.tempPath('layer-raw');
      temps.push(tmp);
      const size = await writeStoredLayer(store, img.diffIds, i, tmp, o.signal);
      o.onProgress?.({ phase: 'export', done: size, layer: diffId });
      raw.set(diffId, { path: tmp, size });
    }
  } catch (e) {
    for (const t of temps) cache.dropTemp(t);
    if (o.signal?.aborted) throw e;
    return undefined;
  }
  try {
    cache.putBytes(config);
    await compressLayers(img, missing, raw, cache, temps, o, 'the layer store');
    return config;
  } finally {
    for (const t of temps) cache.dropTemp(t);
  }
}
