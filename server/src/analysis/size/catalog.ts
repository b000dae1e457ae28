// The bundled base-image table (catalog.json): figures for the most used bases so an estimate
// works offline. Every row names where its figure came from and when; scripts/size-catalog.mjs
// regenerates the table from a registry.

import type { ImageRef } from '../dockerfile/image-ref';
import { normalizePlatform } from './platform';
import type { ImageSizeFacts, SizeLookup, SizeSource } from './types';
import table from './catalog.json';

/** One row of catalog.json. */
export interface CatalogRow {
  /** Repository with registry (`docker.io/library/alpine`). */
  image: string;
  tag: string;
  platform: string;
  compressedBytes?: number;
  uncompressedBytes?: number;
  /** Platforms the tag is published for. */
  platforms?: string[];
  /** Where the figures were read (a registry URL, a documentation page). */
  source: string;
  /** When (YYYY-MM-DD). */
  date: string;
}

/** The file's shape. */
export interface CatalogFile {
  description: string;
  rows: CatalogRow[];
}

/** `docker.io/library/alpine:3.20`: the key the catalog and caches use. */
export function canonicalRef(ref: ImageRef): string {
  const repo = ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const base = `${ref.registry}/${repo}`;
  return ref.digest ? `${base}@${ref.digest}` : `${base}:${ref.tag ?? 'latest'}`;
}

/** Facts from rows, indexed by canonical reference and platform. */
export class Catalog implements SizeSource {
  private readonly rows = new Map<string, CatalogRow>();
  private readonly platformsOf = new Map<string, string[]>();

  constructor(file: CatalogFile) {
    for (const r of file.rows) {
      const key = `${r.image}:${r.tag}`;
      this.rows.set(`${key}\0${normalizePlatform(r.platform)}`, r);
      if (r.platforms) this.platformsOf.set(key, r.platforms.map(normalizePlatform));
    }
  }

  /** Facts for a reference on a platform, if the table has them. */
  facts(ref: ImageRef, platform: string): ImageSizeFacts | undefined {
    const key = canonicalRef(ref);
    const row = this.rows.get(`${key}\0${normalizePlatform(platform)}`);
    const platforms = this.platformsOf.get(key);
    if (!row) return platforms ? { ref: key, platform: normalizePlatform(platform), platforms, source: 'bundled table', date: '' } : undefined;
    return {
      ref: key,
      platform: normalizePlatform(row.platform),
      compressedBytes: row.compressedBytes,
      uncompressedBytes: row.uncompressedBytes,
      platforms,
      source: `bundled table (${row.source})`,
      date: row.date,
    };
  }

  lookup(ref: ImageRef, platform: string): SizeLookup {
    const f = this.facts(ref, platform);
    if (f && (f.compressedBytes !== undefined || f.uncompressedBytes !== undefined)) return { state: 'known', facts: f };
    return { state: 'unknown', reason: `\`${canonicalRef(ref)}\` on ${normalizePlatform(platform)} is not in the bundled table` };
  }

  /** Number of rows. */
  get size(): number {
    return this.rows.size;
  }
}

let bundled: Catalog | undefined;

/** The table shipped with Pier. */
export function bundledCatalog(): Catalog {
  return (bundled ??= new Catalog(table as CatalogFile));
}
