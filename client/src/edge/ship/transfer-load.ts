// Shipping by load, for devices whose sshd forbids forwarding (or whose Docker would download
// layers again): a save archive holding only the missing layers (the same cached gzip blobs the
// registry serves) is streamed over an exec channel into the runtime's load. A load skips layers
// whose chain the device has, so the archive names every layer but carries only the missing ones.
// It cannot resume inside a layer and is not checked blob by blob on arrival, only as a whole.

import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pack } from 'tar-stream';
import type { SshConnection } from '../ssh/connection';
import { CommandFailedError, execRemote } from '../ssh/exec';
import type { BlobCache } from './blob-cache';
import type { ShipPlan } from './plan';
import type { PreparedImage } from './prepare';
import type { ProgressTracker } from './progress';
import { fileHeader, packEntry } from './tar-entry';
import { loadArgv, type ShipRuntime } from './runtime';

/**
 * The `manifest.json` of a save archive. Layer paths are named after their diff IDs, as
 * `<hex>/layer.tar` unless `layerPath` names them otherwise; the config is `<image hex>.json`.
 */
export function saveManifest(img: { id: string; layers: readonly Pick<PreparedImage['layers'][number], 'diffId'>[] }, layerPath = (hex: string) => `${hex}/layer.tar`): Buffer {
  const hex = (d: string) => d.replace(/^sha256:/, '');
  return Buffer.from(JSON.stringify([{ Config: `${hex(img.id)}.json`, RepoTags: null, Layers: img.layers.map((l) => layerPath(hex(l.diffId))) }]));
}

/** A tar stream: config, the missing layers' blobs, and manifest.json last (a cut-short archive has none and loads nothing). */
export function missingLayersArchive(img: PreparedImage, plan: ShipPlan, cache: BlobCache, progress: ProgressTracker, signal?: AbortSignal): NodeJS.ReadableStream {
  const p = pack();
  const hex = (d: string) => d.replace(/^sha256:/, '');
  const write = async () => {
    const config = cache.getBytes(img.config.digest);
    if (!config) throw new Error(`the config of ${img.ref} is missing from the cache`);
    await packEntry(p, fileHeader(`${hex(img.id)}.json`), config);
    for (const l of plan.missing) {
      if (signal?.aborted) throw new Error('cancelled');
      let off = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          progress.add(l.digest, chunk.length, off);
          off += chunk.length;
          cb(null, chunk);
        },
      });
      await packEntry(p, fileHeader(`${hex(l.diffId)}/layer.tar`, l.size), createReadStream(cache.blobPath(l.digest)), counter);
    }
    await packEntry(p, fileHeader('manifest.json'), saveManifest(img));
    p.finalize();
  };
  write().catch((e: Error) => p.destroy(e));
  return p as unknown as NodeJS.ReadableStream;
}

/** Stream the missing layers into the device runtime's load; resolves when it loaded the image. */
export async function loadThroughExec(conn: SshConnection, o: { img: PreparedImage; plan: ShipPlan; cache: BlobCache; runtime: ShipRuntime; progress: ProgressTracker; signal?: AbortSignal }): Promise<void> {
  const archive = missingLayersArchive(o.img, o.plan, o.cache, o.progress, o.signal);
  const argv = loadArgv(o.runtime);
  const r = await execRemote(conn, argv, { signal: o.signal, stdin: archive as unknown as import('node:stream').Readable });
  if (r.code !== 0) throw new CommandFailedError(conn.target.name, argv, r);
}
