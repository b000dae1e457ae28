// The size catalog the server and the CLI read: registry facts (cached on disk with an expiry),
// the local engine's exact sizes, and the bundled table when neither answers. `lookup` is
// synchronous and never waits: it answers from memory and starts a fetch in the background, then
// `onFacts` tells the caller to refresh. Failures are remembered (per image for 401/404/500 and
// oversized answers, per host for timeouts and unreachable hosts), so an offline registry is asked
// once per back-off period, not on every keystroke.

import type { ImageRef } from '../analysis/dockerfile/image-ref';
import { bundledCatalog, canonicalRef, type Catalog } from '../analysis/size/catalog';
import { normalizePlatform, platformServes } from '../analysis/size/platform';
import type { ImageSizeFacts, SizeLookup, SizeSource } from '../analysis/size/types';
import { DiskCache, defaultCacheDir } from './disk-cache';
import { RegistryError } from './http';
import { inspectLocalImage, LocalEngineError, type LocalImage } from './local-engine';
import { readRegistrySize } from './registry';

/** Options of the size catalog. */
export interface SizeFactsOptions {
  /** Where registry answers are cached; null keeps them in memory only. */
  cacheDir?: string | null;
  /** Deadline of one registry lookup (default 3000 ms). */
  timeoutMs?: number;
  /** How long registry facts stay fresh (default 24 h). */
  ttlMs?: number;
  /** How long a failed lookup of one image is remembered (default 5 min). */
  negativeTtlMs?: number;
  /** How long a host that timed out or was unreachable is left alone (default 60 s). */
  hostBackoffMs?: number;
  /** Ask the local engine too (default true). */
  localEngine?: boolean;
  catalog?: Catalog;
  /** Called when facts for a key arrive (or change), so hints can refresh. */
  onFacts?: (key: string, result: SizeLookup) => void;
  log?: (message: string) => void;
}

type Stored = { ok: true; facts: ImageSizeFacts } | { ok: false; reason: string; kind: string };

interface Entry {
  result?: SizeLookup;
  until: number;
  running?: Promise<SizeLookup>;
}

/** `alpine:3.20` / `registry:5000/app:1` / `repo@sha256:...`: how the docker CLI names a reference. */
export function familiarRef(ref: ImageRef): string {
  const repo = ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
  return ref.digest ? `${repo}@${ref.digest}` : `${repo}:${ref.tag ?? 'latest'}`;
}

/** Size facts from the registry, the local engine and the bundled table. */
export class SizeFacts implements SizeSource {
  private readonly memory = new Map<string, Entry>();
  private readonly hostDown = new Map<string, { until: number; reason: string }>();
  private engineDown?: { until: number; reason: string };
  private readonly disk?: DiskCache<Stored>;
  private readonly catalog: Catalog;
  /** Registry lookups started, per host (tests and benchmarks read it). */
  readonly registryReads = new Map<string, number>();

  constructor(private readonly o: SizeFactsOptions = {}) {
    this.catalog = o.catalog ?? bundledCatalog();
    const dir = o.cacheDir === undefined ? defaultCacheDir() : o.cacheDir;
    if (dir) this.disk = new DiskCache<Stored>(dir);
  }

  private key(ref: ImageRef, platform: string): string {
    return `${canonicalRef(ref)}\0${normalizePlatform(platform)}`;
  }

  /** Answer from memory now; start a lookup in the background when there is nothing fresh. */
  lookup(ref: ImageRef, platform: string): SizeLookup {
    const key = this.key(ref, platform);
    const e = this.memory.get(key);
    if (e?.result && e.until > Date.now()) return e.result;
    if (!e?.running) void this.refresh(ref, platform);
    if (e?.result) return e.result;
    const table = this.catalog.lookup(ref, platform);
    if (table.state === 'known') return { ...table, note: `asking ${ref.registry}` };
    return { state: 'pending', reason: `reading the size of \`${familiarRef(ref)}\` from ${ref.registry} and the local engine` };
  }

  /** Look up and wait for the answer (the CLI, tests). */
  async resolve(ref: ImageRef, platform: string): Promise<SizeLookup> {
    const key = this.key(ref, platform);
    const e = this.memory.get(key);
    if (e?.result && e.until > Date.now()) return e.result;
    return e?.running ?? this.refresh(ref, platform);
  }

  /** Platforms each looked-up tag is published for, by canonical reference (for FileFacts). */
  publishedPlatforms(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.memory.values()) {
      const f = e.result?.state === 'known' ? e.result.facts : undefined;
      if (f?.platforms?.length) out[f.ref] = f.platforms;
    }
    return out;
  }

  private refresh(ref: ImageRef, platform: string): Promise<SizeLookup> {
    const key = this.key(ref, platform);
    const entry = this.memory.get(key) ?? { until: 0 };
    this.memory.set(key, entry);
    const running = this.fetchAll(ref, normalizePlatform(platform)).then(
      ({ result, ttl }) => {
        entry.result = result;
        entry.until = Date.now() + ttl;
        entry.running = undefined;
        try {
          this.o.onFacts?.(key, result);
        } catch (e) {
          this.o.log?.(`size facts listener failed: ${(e as Error)?.message ?? String(e)}`);
        }
        return result;
      },
      (e: unknown) => {
        // fetchAll turns every failure into a result; this is a bug guard, remembered briefly.
        const result: SizeLookup = { state: 'unknown', reason: `size lookup failed: ${(e as Error)?.message ?? String(e)}` };
        entry.result = result;
        entry.until = Date.now() + (this.o.negativeTtlMs ?? 300_000);
        entry.running = undefined;
        return result;
      },
    );
    entry.running = running;
    return running;
  }

  private async fetchAll(ref: ImageRef, platform: string): Promise<{ result: SizeLookup; ttl: number }> {
    const [reg, local] = await Promise.all([this.fromRegistry(ref, platform), this.fromEngine(ref, platform)]);
    const negative = this.o.negativeTtlMs ?? 300_000;
    const ttl = this.o.ttlMs ?? 86_400_000;
    if (reg.ok || local.image) {
      const f: ImageSizeFacts = reg.ok ? { ...reg.facts } : { ref: canonicalRef(ref), platform, source: '', date: new Date().toISOString() };
      if (local.image) {
        f.uncompressedBytes = local.image.size;
        f.source = reg.ok ? `local engine + ${reg.facts.source}` : 'local engine';
      }
      if (!reg.ok && !f.platforms) f.platforms = this.catalog.facts(ref, platform)?.platforms;
      const sized = f.compressedBytes !== undefined || f.uncompressedBytes !== undefined;
      if (!sized && f.platforms && !f.platforms.some((p) => platformServes(p, platform))) {
        return { result: { state: 'known', facts: f, note: `not published for ${platform}` }, ttl };
      }
      return { result: { state: 'known', facts: f, note: reg.ok ? undefined : `registry: ${reg.reason}` }, ttl: reg.ok ? ttl : negative };
    }
    const table = this.catalog.lookup(ref, platform);
    if (table.state === 'known') return { result: { ...table, note: `registry: ${reg.reason}` }, ttl: negative };
    return { result: { state: 'unknown', reason: `${reg.reason}${local.reason ? `; ${local.reason}` : ''}` }, ttl: negative };
  }

  private async fromRegistry(ref: ImageRef, platform: string): Promise<Stored> {
    const key = this.key(ref, platform);
    const cached = await this.disk?.get(key);
    if (cached) return cached.value;
    const down = this.hostDown.get(ref.registry);
    if (down && down.until > Date.now()) return { ok: false, kind: 'backoff', reason: `${down.reason} (not asked again until ${new Date(down.until).toLocaleTimeString()})` };
    this.registryReads.set(ref.registry, (this.registryReads.get(ref.registry) ?? 0) + 1);
    try {
      const facts = await readRegistrySize(ref, platform, { timeoutMs: this.o.timeoutMs ?? 3000 });
      const stored: Stored = { ok: true, facts };
      // Digests never change; tags move, so their facts expire. Written before answering, so a
      // catalog started right after (another process, the CLI) finds it; the write never throws.
      await this.disk?.set(key, stored, Date.now() + (ref.digest ? 30 * 86_400_000 : (this.o.ttlMs ?? 86_400_000)));
      return stored;
    } catch (e) {
      const err = e instanceof RegistryError ? e : new RegistryError('bad-response', (e as Error)?.message ?? String(e));
      if (err.hostDown) this.hostDown.set(ref.registry, { until: Date.now() + (this.o.hostBackoffMs ?? 60_000), reason: err.message });
      const stored: Stored = { ok: false, kind: err.kind, reason: err.message };
      if (!err.hostDown && err.kind !== 'cancelled') await this.disk?.set(key, stored, Date.now() + (this.o.negativeTtlMs ?? 300_000));
      return stored;
    }
  }

  private async fromEngine(ref: ImageRef, platform: string): Promise<{ image?: LocalImage; reason?: string }> {
    if (this.o.localEngine === false) return {};
    if (this.engineDown && this.engineDown.until > Date.now()) return { reason: this.engineDown.reason };
    try {
      const img = await inspectLocalImage(familiarRef(ref), { timeoutMs: this.o.timeoutMs ?? 3000 });
      if (!img) return { reason: 'not in the local engine' };
      if (!platformServes(img.platform, platform)) return { reason: `the local engine has it for ${img.platform} only` };
      return { image: img };
    } catch (e) {
      const reason = e instanceof LocalEngineError ? e.message : `local engine: ${(e as Error)?.message ?? String(e)}`;
      this.engineDown = { until: Date.now() + (this.o.hostBackoffMs ?? 60_000), reason };
      return { reason };
    }
  }
}
