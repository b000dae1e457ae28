// The on-disk cache of shippable blobs. A layer is compressed once and kept under its compressed
// digest, with a record keyed by its content (the uncompressed diff ID), so the same layer has the
// same digest in every deploy and after every restart, whichever image it belongs to.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the cache knows about one layer. */
export interface LayerRecord {
  /** sha256 of the uncompressed layer tar (the image config's rootfs.diff_ids entry). */
  diffId: string;
  /** sha256 of the compressed blob, the digest the registry serves it under. */
  digest: string;
  /** Compressed size in bytes. */
  size: number;
  /** Uncompressed size in bytes (what it takes on the device once extracted). */
  uncompressedSize: number;
  mediaType: string;
  /** Which compressor made it, for the record (e.g. `gzip-6 GNU 1.12, 8 MiB members`). */
  compressor: string;
}

/** Where Pier caches blobs: PIER_CACHE_DIR, else $XDG_CACHE_HOME/pier, else ~/.cache/pier. */
export function defaultCacheDir(): string {
  if (process.env.PIER_CACHE_DIR) return process.env.PIER_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pier');
}

/** `sha256:<hex>` of a buffer. */
export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part of a `sha256:` digest; anything else is refused (it names files). */
export function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1];
}

/** A content-addressed blob store with layer records, safe for several processes at once. */
export class BlobCache {
  constructor(readonly dir: string = defaultCacheDir()) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    mkdirSync(join(dir, 'layers'), { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
  }

  /** The file of a blob (whether or not it exists). */
  blobPath(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', hexOf(digest));
  }

  /** The size of a stored blob, or undefined when it is missing. */
  blobSize(digest: string): number | undefined {
    try {
      return statSync(this.blobPath(digest)).size;
    } catch {
      return undefined;
    }
  }

  /** A fresh temporary file name inside the cache (same file system, so rename is atomic). */
  tempPath(tag: string): string {
    return join(this.dir, 'tmp', `${tag}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /** Move a finished temporary file into place as the blob `digest`. */
  commitBlob(tmp: string, digest: string): string {
    const dest = this.blobPath(digest);
    renameSync(tmp, dest);
    this.touch(digest);
    return dest;
  }

  /**
   * Mark a blob as used now. Eviction goes by last use, kept as the blob file's mtime, because
   * atime is not updated on relatime/noatime mounts (the default on most Linux systems).
   */
  touch(digest: string): void {
    const now = new Date();
    try {
      utimesSync(this.blobPath(digest), now, now);
    } catch {
      // A blob removed meanwhile is simply not there any more; the caller finds out on reading.
    }
  }

  /**
   * Protect blobs from eviction (by any process) until the returned function is called: the blobs
   * of an image being shipped. The pin is a file naming this process, so a pin left behind by a
   * process that died is recognised and ignored.
   */
  pin(digests: Iterable<string>): () => void {
    const dir = join(this.dir, 'pins');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
    const tmp = this.tempPath('pin');
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, digests: [...digests] }) + '\n');
    renameSync(tmp, file);
    return () => rmSync(file, { force: true });
  }

  /** Store small blob bytes (configs, manifests) under their digest; returns the digest. */
  putBytes(data: Buffer): string {
    const digest = sha256(data);
    if (this.blobSize(digest) === data.length) return digest;
    const tmp = this.tempPath('bytes');
    writeFileSync(tmp, data);
    this.commitBlob(tmp, digest);
    return digest;
  }

  /** Read a small stored blob, or undefined. */
  getBytes(digest: string): Buffer | undefined {
    try {
      const data = readFileSync(this.blobPath(digest));
      this.touch(digest);
      return data;
    } catch {
      return undefined;
    }
  }

  /** The record of a layer whose blob is present and whole, or undefined. */
  layer(diffId: string): LayerRecord | undefined {
    try {
      const rec = JSON.parse(readFileSync(join(this.dir, 'layers', `${hexOf(diffId)}.json`), 'utf8')) as LayerRecord;
      // A record whose blob went missing (evicted) or was cut short is as good as none.
      if (rec.diffId !== diffId || this.blobSize(rec.digest) !== rec.size) return undefined;
      this.touch(rec.digest);
      return rec;
    } catch {
      return undefined;
    }
  }

  /** Record a layer (after its blob was committed). */
  putLayer(rec: LayerRecord): void {
    const tmp = this.tempPath('layer');
    writeFileSync(tmp, JSON.stringify(rec) + '\n');
    renameSync(tmp, join(this.dir, 'layers', `${hexOf(rec.diffId)}.json`));
  }

  /** Remove a temporary file, ignoring a missing one. */
  dropTemp(path: string): void {
    rmSync(path, { force: true });
  }
}
