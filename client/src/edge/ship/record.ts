// What Pier remembers per device engine, next to the blob cache: which blobs the engine pulled
// through Pier (Docker skips a layer it has only when it knows the blob it came from) and which
// versions were shipped, newest last, for the run step and rollback. Keyed by the engine's own ID,
// so a reinstalled device (a new engine) starts afresh.

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobCache } from './blob-cache';

/** One shipped version. */
export interface ShippedVersion {
  app: string;
  version: string;
  imageId: string;
  /** Device name as the user calls it. */
  device: string;
  method: string;
  at: string;
}

/** The record of one device engine. */
export interface EngineRecord {
  pulled: string[];
  shipped: ShippedVersion[];
}

const MAX_SHIPPED = 200;

function recordPath(cache: BlobCache, engineId: string): string | undefined {
  const key = engineId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
  return key ? join(cache.dir, 'engines', `${key}.json`) : undefined;
}

/** Read an engine's record (empty when none, or the engine has no ID). */
export function readEngineRecord(cache: BlobCache, engineId: string): EngineRecord {
  const p = recordPath(cache, engineId);
  if (!p) return { pulled: [], shipped: [] };
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as EngineRecord;
    return { pulled: Array.isArray(r.pulled) ? r.pulled : [], shipped: Array.isArray(r.shipped) ? r.shipped : [] };
  } catch {
    return { pulled: [], shipped: [] };
  }
}

/** Update an engine's record atomically. */
export function updateEngineRecord(cache: BlobCache, engineId: string, change: (r: EngineRecord) => void): void {
  const p = recordPath(cache, engineId);
  if (!p) return;
  const r = readEngineRecord(cache, engineId);
  change(r);
  r.pulled = [...new Set(r.pulled)];
  r.shipped = r.shipped.slice(-MAX_SHIPPED);
  mkdirSync(join(cache.dir, 'engines'), { recursive: true });
  const tmp = cache.tempPath('engine');
  writeFileSync(tmp, JSON.stringify(r, null, 1) + '\n');
  renameSync(tmp, p);
}

/** The versions of an app shipped to an engine, oldest first. */
export function shippedVersions(cache: BlobCache, engineId: string, app: string): ShippedVersion[] {
  return readEngineRecord(cache, engineId).shipped.filter((s) => s.app === app);
}

/** Whether any engine's record says this image was shipped to a device of this name. */
export function shippedBefore(cache: BlobCache, imageId: string, device: string): boolean {
  let files: string[];
  try {
    files = readdirSync(join(cache.dir, 'engines')).filter((f) => f.endsWith('.json'));
  } catch {
    return false;
  }
  return files.some((f) => readEngineRecord(cache, f.slice(0, -5)).shipped.some((s) => s.imageId === imageId && s.device === device));
}
