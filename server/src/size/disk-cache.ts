// A small JSON cache on disk (default ~/.cache/pier/size, or the extension's global storage), one
// file per key, each entry with its own expiry. Reads and writes are async and never throw: a
// cache that cannot be read or written only costs a registry request.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One cached value with its expiry (ms since the epoch). */
export interface CacheEntry<T> {
  key: string;
  value: T;
  expires: number;
}

/** The default cache directory: $XDG_CACHE_HOME/pier/size or ~/.cache/pier/size. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'pier', 'size');
}

/** Keyed JSON entries under one directory. */
export class DiskCache<T> {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex').slice(0, 32) + '.json');
  }

  /** The entry for a key, when present, readable and not expired. */
  async get(key: string, now = Date.now()): Promise<CacheEntry<T> | undefined> {
    try {
      const e = JSON.parse(await readFile(this.file(key), 'utf8')) as CacheEntry<T>;
      return e.key === key && e.expires > now ? e : undefined;
    } catch {
      return undefined;
    }
  }

  /** Store a value until `expires`; failures are ignored. */
  async set(key: string, value: T, expires: number): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      const f = this.file(key);
      const tmp = `${f}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, value, expires } satisfies CacheEntry<T>));
      await rename(tmp, f);
    } catch {
      // A read-only home or a full disk: the next lookup asks the registry again.
    }
  }
}
