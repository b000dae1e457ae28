// Image sizes read from a registry through the OCI distribution API: the tag's image index (or
// Docker manifest list), the platform's manifest, and the sum of its layer sizes. Anonymous, with
// Docker Hub's token flow (a 401 with a Bearer challenge, a token from the realm, the request
// again). Every lookup has one deadline; bodies are read with a size cap.

import type { ImageRef } from '../analysis/dockerfile/image-ref';
import { canonicalRef } from '../analysis/size/catalog';
import { normalizePlatform, platformServes } from '../analysis/size/platform';
import type { ImageSizeFacts } from '../analysis/size/types';
import { RegistryError, fetchFailure, parseChallenge, readCapped } from './http';

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

/** Options of a registry read. */
export interface RegistryReadOptions {
  /** The whole lookup's deadline (default 3000 ms). */
  timeoutMs?: number;
  /** Largest manifest or config accepted (default 4 MiB). */
  maxManifestBytes?: number;
  /** Also read each gzip layer's trailer for the unpacked size (default true). */
  uncompressed?: boolean;
  /** Base URL instead of the one derived from the reference's registry (`http://127.0.0.1:5000`). */
  baseUrl?: string;
  signal?: AbortSignal;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** The API base of a registry host: Docker Hub's API host, plain HTTP for loopback (as Docker does), HTTPS otherwise. */
export function registryBaseUrl(host: string): string {
  if (host === 'docker.io' || host === 'index.docker.io') return 'https://registry-1.docker.io';
  const bare = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || /^127\./.test(bare) || bare === '::1') return `http://${host}`;
  return `https://${host}`;
}

/** The repository path as the API names it (`library/alpine` on Docker Hub). */
export function apiRepository(ref: ImageRef): string {
  return ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
}

function platformOf(p: Descriptor['platform']): string | undefined {
  if (!p?.os || !p.architecture || p.os === 'unknown') return undefined;
  return normalizePlatform([p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}

/** Anonymous bearer tokens per realm+scope, reused until they expire. */
const tokens = new Map<string, { token: string; until: number }>();

/** One lookup's requests: shared deadline, token, and counters for the caller's diagnostics. */
class Session {
  private token?: string;
  requests = 0;
  constructor(
    readonly base: string,
    readonly repo: string,
    readonly signal: AbortSignal,
    readonly deadline: AbortSignal,
    readonly caller: AbortSignal | undefined,
  ) {}

  get host(): string {
    return new URL(this.base).host;
  }

  async get(path: string, accept: string[], extra: Record<string, string> = {}): Promise<Response> {
    let res = await this.send(path, accept, extra);
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      await res.body?.cancel().catch(() => undefined);
      if (challenge?.scheme !== 'bearer' || !challenge.params.realm) throw new RegistryError('auth', `${this.host} asks for credentials (${challenge?.scheme ?? 'no challenge'}); only anonymous reads are made`, 401);
      this.token = await this.fetchToken(challenge.params);
      res = await this.send(path, accept, extra);
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => undefined);
        throw new RegistryError('auth', `${this.host} refused anonymous access to ${this.repo}`, res.status);
      }
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 404) throw new RegistryError('not-found', `${this.repo}${path.includes('/manifests/') ? ':' + decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) : ''} was not found on ${this.host}`, 404);
    if (res.status === 403) throw new RegistryError('auth', `${this.host} refused access to ${this.repo}`, 403);
    if (res.status === 429) throw new RegistryError('server', `${this.host} limits requests (429 Too Many Requests)`, 429);
    if (res.status >= 500) throw new RegistryError('server', `${this.host} answered ${res.status} ${res.statusText}`.trim(), res.status);
    throw new RegistryError('bad-response', `${this.host} answered ${res.status} ${res.statusText}`.trim(), res.status);
  }

  private async send(path: string, accept: string[], extra: Record<string, string>): Promise<Response> {
    this.requests++;
    const headers: Record<string, string> = { accept: accept.join(', '), 'user-agent': 'pier-size', ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(`${this.base}/v2/${this.repo}${path}`, { headers, signal: this.signal, redirect: 'follow' });
    } catch (e) {
      throw fetchFailure(e, this.host, this.deadline, this.caller);
    }
  }

  private async fetchToken(params: Record<string, string>): Promise<string> {
    const scope = params.scope ?? `repository:${this.repo}:pull`;
    const key = `${params.realm}\0${params.service ?? ''}\0${scope}`;
    const hit = tokens.get(key);
    if (hit && hit.until > Date.now()) return hit.token;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    this.requests++;
    let res: Response;
    try {
      res = await fetch(url, { signal: this.signal, headers: { 'user-agent': 'pier-size' } });
    } catch (e) {
      throw fetchFailure(e, url.host, this.deadline, this.caller);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RegistryError(res.status >= 500 ? 'server' : 'auth', `the token service ${url.host} answered ${res.status}`, res.status);
    }
    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      body = JSON.parse((await readCapped(res, 256 * 1024, 'the token answer')).toString('utf8'));
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryError('bad-response', `the token service ${url.host} sent no JSON`);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('auth', `the token service ${url.host} gave no token`);
    tokens.set(key, { token, until: Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000 });
    return token;
  }
}

async function readJson(s: Session, res: Response, cap: number, what: string): Promise<{ body: any; mediaType: string }> {
  const buf = await readCapped(res, cap, what).catch((e) => {
    throw fetchFailure(e, s.host, s.deadline, s.caller);
  });
  try {
    const body = JSON.parse(buf.toString('utf8'));
    if (!body || typeof body !== 'object') throw new Error('not an object');
    return { body, mediaType: String(body.mediaType ?? res.headers.get('content-type') ?? '').split(';')[0].trim() };
  } catch {
    throw new RegistryError('bad-response', `${what} from ${s.host} is not JSON`);
  }
}

/** The unpacked size of a gzip layer from its 4-byte trailer (ISIZE), read with a range request. */
async function gzipSize(s: Session, layer: Descriptor): Promise<number | undefined> {
  if (layer.size < 18) return undefined;
  const res = await s.get(`/blobs/${layer.digest}`, ['*/*'], { range: `bytes=${layer.size - 4}-${layer.size - 1}` });
  if (res.status !== 206) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const buf = await readCapped(res, 64, 'a layer trailer');
  return buf.length === 4 ? buf.readUInt32LE(0) : undefined;
}

/** Read the sizes of `ref` for `platform` from its registry. Throws RegistryError. */
export async function readRegistrySize(ref: ImageRef, platform: string, o: RegistryReadOptions = {}): Promise<ImageSizeFacts> {
  const timeoutMs = o.timeoutMs ?? 3000;
  const cap = o.maxManifestBytes ?? 4 * 1024 * 1024;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
  const base = (o.baseUrl ?? registryBaseUrl(ref.registry)).replace(/\/+$/, '');
  const s = new Session(base, apiRepository(ref), signal, deadline, o.signal);
  const want = normalizePlatform(platform);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const top = await readJson(s, await s.get(`/manifests/${encodeURIComponent(reference)}`, [...INDEX_TYPES, ...MANIFEST_TYPES]), cap, 'the manifest');
  let manifest = top;
  let digest: string | undefined;
  let platforms: string[] | undefined;
  if (INDEX_TYPES.includes(top.mediaType) || Array.isArray(top.body.manifests)) {
    const entries: Descriptor[] = Array.isArray(top.body.manifests) ? top.body.manifests : [];
    platforms = [...new Set(entries.map((e) => platformOf(e.platform)).filter((p): p is string => !!p))];
    const pick = entries.find((e) => {
      const p = platformOf(e.platform);
      return p !== undefined && platformServes(p, want);
    });
    const key = canonicalRef(ref);
    if (!pick) return { ref: key, platform: want, platforms, source: `registry ${s.host}`, date: new Date().toISOString() };
    digest = pick.digest;
    manifest = await readJson(s, await s.get(`/manifests/${pick.digest}`, MANIFEST_TYPES), cap, 'the platform manifest');
  }
  const layers: Descriptor[] = Array.isArray(manifest.body.layers) ? manifest.body.layers : [];
  if (!Array.isArray(manifest.body.layers) || layers.some((l) => typeof l?.size !== 'number' || l.size < 0)) throw new RegistryError('bad-response', `the manifest from ${s.host} has no layer sizes`);
  if (!platforms) {
    // A single-platform tag: its config says which platform it is.
    const cfg = manifest.body.config as Descriptor | undefined;
    if (cfg?.digest) {
      const c = await readJson(s, await s.get(`/blobs/${cfg.digest}`, ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json', '*/*']), cap, 'the image config');
      const p = platformOf({ os: c.body.os, architecture: c.body.architecture, variant: c.body.variant });
      platforms = p ? [p] : undefined;
    }
    if (platforms && !platforms.some((p) => platformServes(p, want))) {
      return { ref: canonicalRef(ref), platform: want, platforms, source: `registry ${s.host}`, date: new Date().toISOString() };
    }
  }
  const compressedBytes = layers.reduce((n, l) => n + l.size, 0);
  let uncompressedBytes: number | undefined;
  if (o.uncompressed !== false && layers.length <= 32 && layers.every((l) => /gzip/.test(l.mediaType ?? ''))) {
    const sizes = await Promise.all(layers.map((l) => gzipSize(s, l).catch(() => undefined)));
    if (sizes.every((x) => x !== undefined)) uncompressedBytes = (sizes as number[]).reduce((n, x) => n + x, 0);
  }
  return { ref: canonicalRef(ref), platform: want, compressedBytes, uncompressedBytes, platforms, source: `registry ${s.host}`, date: new Date().toISOString(), digest };
}
