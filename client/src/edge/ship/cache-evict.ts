// Keeping the blob cache to a size. Every build of a changed app adds a compressed layer, so
// without a cap the cache only grows. Past the cap, blobs go least recently used first (last use
// is the blob file's mtime, see BlobCache.touch), except the blobs of the image being shipped,
// blobs pinned by a running Pier process, and blobs used in the last minute (another process may
// have just made them and not pinned them yet). An evicted layer is simply compressed again when
// it is needed: compression is deterministic, so it gets back the same digest.

import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobCache } from './blob-cache';

/** The cap when PIER_CACHE_MAX is not set: 5 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 5 * 1024 ** 3;

/** Temporary files older than this are leftovers of a process that died mid-write. */
const STALE_TEMP_MS = 24 * 3600_000;

/** Parse a size such as `5G`, `500M`, `750MiB` or a plain number of bytes (units are binary). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * unit);
}

/** The cap: PIER_CACHE_MAX (e.g. `2G`) when set, else DEFAULT_CACHE_MAX_BYTES; throws on a bad value. */
export function cacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PIER_CACHE_MAX;
  if (v === undefined || v.trim() === '') return DEFAULT_CACHE_MAX_BYTES;
  const n = parseSize(v);
  if (n === undefined) throw new Error(`PIER_CACHE_MAX='${v}' is not a size; use e.g. 5G, 500M or a number of bytes`);
  return n;
}

/** What one eviction pass did. */
export interface EvictResult {
  /** Bytes of blobs in the cache before and after. */
  beforeBytes: number;
  afterBytes: number;
  evicted: string[];
  /** True when protected blobs alone exceed the cap (nothing more could go). */
  overCap: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Digests pinned by live processes; pins of dead processes are removed. */
export function pinnedDigests(cache: BlobCache): Set<string> {
  const dir = join(cache.dir, 'pins');
  const out = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const file = join(dir, n);
    try {
      const p = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; digests: string[] };
      if (!alive(p.pid)) {
        rmSync(file, { force: true });
        continue;
      }
      for (const d of p.digests) out.add(d);
    } catch {
      // A pin being written right now, or a damaged one: a damaged pin protects nothing.
    }
  }
  return out;
}

/** Evict least recently used blobs until the cache fits `maxBytes`; `keep` is never evicted. */
export function evictBlobs(cache: BlobCache, o: { maxBytes?: number; keep?: Iterable<string>; graceMs?: number; now?: number } = {}): EvictResult {
  const max = o.maxBytes ?? cacheMaxBytes();
  const now = o.now ?? Date.now();
  const grace = o.graceMs ?? 60_000;
  dropStaleTemps(cache, now);
  const dir = join(cache.dir, 'blobs', 'sha256');
  const blobs: { digest: string; size: number; used: number }[] = [];
  for (const n of readdirSync(dir)) {
    if (!/^[0-9a-f]{64}$/.test(n)) continue;
    try {
      const st = statSync(join(dir, n));
      blobs.push({ digest: `sha256:${n}`, size: st.size, used: st.mtimeMs });
    } catch {
      // Evicted by another process meanwhile.
    }
  }
  const beforeBytes = blobs.reduce((s, b) => s + b.size, 0);
  let total = beforeBytes;
  const evicted: string[] = [];
  if (total > max) {
    const keep = new Set([...(o.keep ?? []), ...pinnedDigests(cache)]);
    for (const b of blobs.sort((x, y) => x.used - y.used)) {
      if (total <= max) break;
      if (keep.has(b.digest) || now - b.used < grace) continue;
      rmSync(cache.blobPath(b.digest), { force: true });
      total -= b.size;
      evicted.push(b.digest);
    }
    if (evicted.length) dropOrphanRecords(cache, new Set(evicted));
  }
  return { beforeBytes, afterBytes: total, evicted, overCap: total > max };
}

/** Remove the layer records of evicted blobs (a record without its blob already reads as none). */
function dropOrphanRecords(cache: BlobCache, evicted: Set<string>): void {
  const dir = join(cache.dir, 'layers');
  for (const n of readdirSync(dir)) {
    const file = join(dir, n);
    try {
      const rec = JSON.parse(readFileSync(file, 'utf8')) as { digest?: string };
      if (rec.digest && evicted.has(rec.digest)) rmSync(file, { force: true });
    } catch {
      // Being replaced by another process; leave it.
    }
  }
}

function dropStaleTemps(cache: BlobCache, now: number): void {
  const dir = join(cache.dir, 'tmp');
  for (const n of readdirSync(dir)) {
    const file = join(dir, n);
    try {
      if (now - statSync(file).mtimeMs > STALE_TEMP_MS) rmSync(file, { force: true });
    } catch {
      // Renamed into place by its writer meanwhile.
    }
  }
}
