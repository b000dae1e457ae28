// What the last analysed build of a Dockerfile measured (per-instruction layer sizes, waste),
// written by `pier size --image ... --file ...` and the "Show Image Size Breakdown" command, read
// by the editor to show `+182 MB` next to each line and to size `COPY --from` in estimates.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BuildRecord } from '../analysis/size/types';
import { defaultCacheDir } from './disk-cache';

/** Where build records live: next to the size cache (`~/.cache/pier/builds`). */
export function defaultRecordDir(): string {
  return join(dirname(defaultCacheDir()), 'builds');
}

/** Records by Dockerfile path, re-read only when the file on disk changed. */
export class BuildRecords {
  private readonly memo = new Map<string, { mtimeMs: number; record?: BuildRecord }>();

  constructor(readonly dir: string = defaultRecordDir()) {}

  /** The record file of a Dockerfile. */
  fileOf(dockerfile: string): string {
    return join(this.dir, createHash('sha256').update(resolve(dockerfile)).digest('hex').slice(0, 32) + '.json');
  }

  /** The last record for a Dockerfile, if any. Never throws. */
  async get(dockerfile: string): Promise<BuildRecord | undefined> {
    const f = this.fileOf(dockerfile);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(f)).mtimeMs;
    } catch {
      this.memo.delete(f);
      return undefined;
    }
    const hit = this.memo.get(f);
    if (hit && hit.mtimeMs === mtimeMs) return hit.record;
    let record: BuildRecord | undefined;
    try {
      const r = JSON.parse(await readFile(f, 'utf8')) as BuildRecord;
      record = r && Array.isArray(r.layers) && r.dockerfile === resolve(dockerfile) ? r : undefined;
    } catch {
      record = undefined;
    }
    this.memo.set(f, { mtimeMs, record });
    return record;
  }

  /** Store the record of a build (replacing the previous one). */
  async put(record: BuildRecord): Promise<string> {
    const f = this.fileOf(record.dockerfile);
    await mkdir(this.dir, { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ ...record, dockerfile: resolve(record.dockerfile) }, null, 1));
    await rename(tmp, f);
    return f;
  }
}
