// The ship step: get an image of the build engine onto a device, sending only the layers the
// device lacks. Refusals (platform, disk) come before any byte is sent; the image is tagged
// `<app>:<version>` only once it is whole on the device, and a cancelled or failed transfer
// removes whatever it left, so the device ends as it was.

import type { SshConnection } from '../ssh/connection';
import { deviceShell } from './device-shell';
import { BlobCache } from './blob-cache';
import { readDeviceImages, type DeviceImages } from './device-images';
import { imagePlatform, inspectImage } from './engine';
import { hostHasXz } from './compress';
import { engineLayerStore } from './layer-store';
import { checkPlatform, checkSpace, planShip, ShipRefused, streamLayer, streamReason, versionOf, type ShipMethod, type ShipPlan } from './plan';
import { prepareImage, type PrepareProgress, type PreparedImage } from './prepare';
import { formatBytes, ProgressTracker, type ShipProgressListener } from './progress';
import { readEngineRecord, shippedBefore, updateEngineRecord } from './record';
import type { RegistryEvent } from './registry';
import { runtimePrefix, tagAndDropArgv, untagArgv, type ShipRuntime } from './runtime';
import { loadThroughExec } from './transfer-load';
import { loadReadsGzip, startExport, streamThroughExec, type StreamCompressor } from './transfer-stream';
import { dropTunnelRef, ForwardingRefused, isLinkError, pullThroughTunnel } from './transfer-pull';

/** The device as the ship step needs it (from the probe). */
export interface ShipDevice {
  name: string;
  /** OCI platform of the device, e.g. `linux/arm64`. */
  platform?: string;
  runtime: ShipRuntime;
}

/** Options of `shipImage`. */
export interface ShipOptions {
  conn: SshConnection;
  device: ShipDevice;
  /** The image in the build engine (tag or ID). */
  ref: string;
  /** Application name; the image is tagged `<app>:<version>` on the device. */
  app: string;
  cache?: BlobCache;
  signal?: AbortSignal;
  onProgress?: ShipProgressListener;
  onPrepare?: PrepareProgress;
  /** Human lines about what happens and why. */
  log?(line: string): void;
  /** Transfer attempts in all when the link drops (default 4). */
  maxAttempts?: number;
  /** Skip the tunnel and load through exec (what happens when the device forbids forwarding). */
  forceLoad?: boolean;
  /** Stream a cold-cache deploy into the device's load (default true); false always prepares blobs. */
  stream?: boolean;
  /** Make streamed archives from the build engine's layer store when it can be read here (default true). */
  layerStore?: boolean;
  /** How a stream is compressed (default: fixed pieces on every core). */
  streamCompressor?: StreamCompressor;
}

/** What a ship did. */
export interface ShipResult {
  method: ShipMethod;
  app: string;
  version: string;
  /** `<app>:<version>` on the device. */
  tag: string;
  imageId: string;
  /** Layer blob bytes handed to the link (by the registry, resends included; or the load stream; or the compressed stream). */
  bytesSent: number;
  layersSent: number;
  layersPresent: number;
  plan: ShipPlan;
  /** Why the load path was taken instead of the tunnel, when it was. */
  fallback?: string;
  /** One sentence for the person. */
  summary: string;
  seconds: number;
  requests: RegistryEvent[];
}

/** A repository name Docker accepts for an app name. */
export function appRepository(app: string): string {
  const name = app
    .toLowerCase()
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .replace(/([._-]){2,}/g, '$1');
  if (!name) throw new ShipRefused('runtime', `'${app}' cannot be made into an image name; use letters, digits, '.', '_' or '-'`);
  return name;
}

/** Ship an image to a device. */
export async function shipImage(o: ShipOptions): Promise<ShipResult> {
  const t0 = performance.now();
  const cache = o.cache ?? new BlobCache();
  const conn = o.conn;
  const rt = o.device.runtime;
  const say = (l: string) => o.log?.(l);
  const app = appRepository(o.app);
  if (rt.name === 'k3s' && o.forceLoad) throw new ShipRefused('runtime', 'k3s devices take images through the tunnel only');

  // What the device holds does not depend on the image: ask at once, while the engine is asked.
  const deviceRead = rt.name === 'k3s' ? Promise.resolve(emptyDevice()) : readDeviceImages(conn, rt, app, o.signal);
  deviceRead.catch(() => undefined);
  // Whether the engine's layer store is readable here (a local overlay2 engine): asked at once too.
  const storeRead = o.layerStore === false ? Promise.resolve(undefined) : engineLayerStore(o.signal);
  // Platform first: a wrong image is refused before anything is exported or sent.
  const engineImage = await inspectImage(o.ref, o.signal);
  const store = await storeRead;
  checkPlatform({ ref: o.ref, platform: imagePlatform(engineImage) }, o.device.platform, o.device.name);
  const version = versionOf(engineImage.id);
  const tag = `${app}:${version}`;
  const canStream = o.stream !== false && loadReadsGzip(rt);
  // A runtime that cannot take a stream always needs the blobs: prepare them while the device is read.
  const early = canStream ? undefined : prepareImage(o.ref, { cache, signal: o.signal, onProgress: o.onPrepare, image: engineImage });
  early?.catch(() => undefined);
  // A new image with uncompressed layers will most likely be streamed: start the engine's export
  // now (the engine writes the whole archive out before its first byte), while the device is read.
  const blobCached = (d: string) => {
    const l = cache.layer(d);
    return !!l && cache.blobSize(l.digest) !== undefined;
  };
  let exported = canStream && !store && engineImage.diffIds.some((d) => !blobCached(d)) && !shippedBefore(cache, engineImage.id, o.device.name) ? startExport(engineImage.id, o.signal) : undefined;
  let device: DeviceImages;
  try {
    device = await deviceRead;
  } catch (e) {
    exported?.stop();
    throw e;
  }
  let record = readEngineRecord(cache, device.engineId);
  const streamCompressor = () => o.streamCompressor ?? (device.xz && hostHasXz() ? 'xz' : undefined);
  const planOpts = () => ({ appRef: tag, runtime: rt, pulledDigests: new Set(record.pulled), forwarding: !o.forceLoad });
  const requests: RegistryEvent[] = [];
  let served: number | undefined;
  let sentBytes = 0;
  let plan!: ShipPlan;
  const result = (method: ShipMethod, summary: string, fallback?: string): ShipResult => ({
    method,
    app,
    version,
    tag,
    imageId: engineImage.id,
    bytesSent: served ?? sentBytes,
    layersSent: method === 'pull' || method === 'load' || method === 'stream' ? plan.missing.length : 0,
    layersPresent: plan.present.length,
    plan,
    fallback,
    summary,
    seconds: (performance.now() - t0) / 1000,
    requests,
  });
  const remember = (method: ShipMethod, pulled: string[] = []) =>
    updateEngineRecord(cache, device.engineId, (r) => {
      r.pulled.push(...pulled);
      r.shipped.push({ app, version, imageId: engineImage.id, device: o.device.name, method, at: new Date().toISOString() });
    });

  // Decide from what the device holds before preparing anything: an image it has needs no blobs,
  // and a cold cache is better streamed than prepared.
  let attempts = o.maxAttempts ?? 4;
  if (!early) {
    const layers = engineImage.diffIds.map((d) => cache.layer(d) ?? streamLayer(d));
    plan = planShip({ id: engineImage.id, layers }, device, planOpts());
    const why = plan.method === 'none' || plan.method === 'tag' ? undefined : streamReason({ missing: plan.missing.map((l) => l.diffId), cached: blobCached, loadReadsGzip: true, device, imageSize: engineImage.size, xzFromStore: !!store && streamCompressor() === 'xz' });
    if (!why) {
      exported?.stop();
      exported = undefined;
    }
    if (plan.method === 'none' || plan.method === 'tag') return shipPresent(plan);
    if (why) {
      plan = { ...plan, method: 'stream', missing: plan.missing.map((l) => streamLayer(l.diffId)), bytesToSend: 0, reason: why };
      try {
        return await shipStreamed();
      } catch (e) {
        if (o.signal?.aborted || !isLinkError(e) || attempts <= 1) throw e;
        attempts--;
        say(`the link to ${o.device.name} dropped during the streamed load, which cannot resume; when it is back, the layers are prepared in the blob cache and sent by the path that can (${attempts} attempt${attempts === 1 ? '' : 's'} left)`);
        await conn.connect(o.signal);
        device = await readDeviceImages(conn, rt, app, o.signal);
        record = readEngineRecord(cache, device.engineId);
        sentBytes = 0;
      }
    }
  }
  const img = await (early ?? prepareImage(o.ref, { cache, signal: o.signal, onProgress: o.onPrepare, image: engineImage }));
  plan = planShip(img, device, planOpts());
  const progress = new ProgressTracker(plan.missing, o.onProgress);
  if (plan.method === 'none' || plan.method === 'tag') return shipPresent(plan);
  checkSpace(plan, device, o.device.name);
  say(`${o.device.name} has ${plan.present.length} of ${img.layers.length} layers; sending ${plan.missing.length} (${formatBytes(plan.bytesToSend)}): ${plan.reason}`);
  progress.report('transfer', `sending ${plan.missing.length} layers`);

  let method: ShipMethod = plan.method;
  let fallback: string | undefined = plan.method === 'load' ? plan.reason : undefined;
  let tunnelRef: string | undefined;
  // Another Pier process trimming the cache must not take these blobs while they are served.
  const unpin = cache.pin([img.config.digest, ...img.layers.map((l) => l.digest)]);
  try {
    if (method === 'pull') {
      try {
        tunnelRef = await pullThroughTunnel(conn, { img, cache, runtime: rt, repository: `pier/${app}`, tag: version, progress, signal: o.signal, maxAttempts: attempts, log: say, requests, onServed: (n) => (served = n) });
      } catch (e) {
        if (!(e instanceof ForwardingRefused) || rt.name === 'k3s') throw e;
        method = 'load';
        served = undefined;
        fallback = `${e.message}. Falling back to a load over an exec channel, which is slower: it cannot resume a layer cut off by a dropped link and restarts the archive instead.`;
        say(fallback);
      }
    }
    if (method === 'load') await loadWithRetries(conn, { img, plan, cache, runtime: rt, progress, signal: o.signal, maxAttempts: attempts, log: say });
    // The image is whole on the device now: name it, and drop the tunnel name.
    await runOk(conn, tagAndDropArgv(rt, tunnelRef ?? img.id, tag, tunnelRef), o.signal);
    if (tunnelRef && rt.name === 'k3s') await dropTunnelRef(conn, rt, tunnelRef);
  } catch (e) {
    await cleanUp(conn, rt, { tunnelRef, imageId: img.id });
    throw e;
  } finally {
    unpin();
  }
  remember(method, method === 'pull' ? img.layers.map((l) => l.digest) : []);
  progress.complete();
  sentBytes = progress.sentBytes;
  progress.report('done');
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  return result(method, `Shipped ${tag} to ${o.device.name}: ${plan.missing.length} of ${img.layers.length} layers, ${formatBytes(progress.sentBytes)} sent by ${method === 'pull' ? 'tunnel pull' : 'load'} in ${secs} s.`, fallback);

  async function shipPresent(p: ShipPlan): Promise<ShipResult> {
    if (p.method === 'none') {
      remember('none');
      new ProgressTracker([], o.onProgress).report('done', 'nothing changed');
      return result('none', `Nothing changed: ${tag} is already on ${o.device.name}; nothing was sent.`);
    }
    await runOk(conn, tagAndDropArgv(rt, engineImage.id, tag), o.signal);
    remember('tag');
    return result('tag', `${o.device.name} already had this image; tagged it ${tag}, nothing was sent.`);
  }

  async function shipStreamed(): Promise<ShipResult> {
    const compressor = streamCompressor();
    say(`${o.device.name} has ${plan.present.length} of ${engineImage.diffIds.length} layers; streaming the other ${plan.missing.length} (${store ? "read from the engine's layer store" : "from the engine's export"}, ${compressor === 'xz' ? 'xz -0: both ends have xz' : 'gzip -6'}): ${plan.reason}`);
    const progress = new ProgressTracker([], o.onProgress);
    // Until every layer's header has passed, the engine's own count stands in for the total.
    if (!plan.present.length && engineImage.size) progress.expect(engineImage.size);
    progress.report('transfer', `streaming ${plan.missing.length} layers`);
    try {
      const r = await streamThroughExec(conn, { imageId: engineImage.id, diffIds: engineImage.diffIds, missing: new Set(plan.missing.map((l) => l.diffId)), runtime: rt, cache, progress, signal: o.signal, compressor, exported, store });
      exported = undefined;
      sentBytes = r.bytesSent;
      const sizes = new Map<string, number>();
      for (const l of progress.snapshot()) sizes.set(l.digest, l.size);
      plan = { ...plan, missing: plan.missing.map((l) => streamLayer(l.diffId, sizes.get(l.diffId) ?? 0)), bytesToSend: r.bytesSent };
      // The image is whole on the device now: name it.
      await runOk(conn, tagAndDropArgv(rt, engineImage.id, tag), o.signal);
    } catch (e) {
      exported?.stop();
      exported = undefined;
      await cleanUp(conn, rt, { imageId: engineImage.id });
      throw e;
    }
    remember('stream');
    progress.complete();
    progress.report('done');
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    return result('stream', `Shipped ${tag} to ${o.device.name}: ${plan.missing.length} of ${engineImage.diffIds.length} layers streamed, ${formatBytes(sentBytes)} sent compressed in ${secs} s.`);
  }
}

async function loadWithRetries(conn: SshConnection, o: Parameters<typeof loadThroughExec>[1] & { maxAttempts: number; log(l: string): void }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await loadThroughExec(conn, o);
    } catch (e) {
      if (o.signal?.aborted || !isLinkError(e) || attempt >= o.maxAttempts) throw e;
      o.log(`the link to ${conn.target.name} dropped during the load; sending the missing layers again when it is back (attempt ${attempt + 1} of ${o.maxAttempts})`);
      await conn.connect(o.signal);
    }
  }
}

/**
 * Undo what a failed or cancelled transfer may have left. The image was not on the device before
 * (otherwise nothing would have been sent), so any name of it is Pier's: the tunnel reference of
 * a pull that finished as it was cancelled, or an untagged loaded image. `rmi` without force
 * removes an image only when nothing else names or uses it.
 */
async function cleanUp(conn: SshConnection, rt: ShipRuntime, s: { tunnelRef?: string; imageId: string }): Promise<void> {
  if (rt.name === 'k3s') return;
  const quiet = { signal: AbortSignal.timeout(20_000) };
  try {
    const refs = new Set<string>(s.tunnelRef ? [s.tunnelRef] : []);
    const sh = deviceShell(conn);
    const listing = await sh.run([...runtimePrefix(rt), 'images', '--digests', '--no-trunc', '--format', '{{.Repository}}@{{.Digest}} {{.ID}}'], quiet);
    for (const line of listing.stdout.split('\n')) {
      const [ref, id] = line.trim().split(' ');
      if (id === s.imageId && ref.startsWith('127.0.0.1:')) refs.add(ref);
    }
    for (const ref of refs) await sh.run(untagArgv(rt, ref), quiet).catch(() => undefined);
    await sh.run(untagArgv(rt, s.imageId), quiet).catch(() => undefined);
  } catch {
    // The link may be gone; the device then holds at most an unnamed image, which the next ship reuses.
  }
}

async function runOk(conn: SshConnection, argv: string[], signal?: AbortSignal): Promise<void> {
  const r = await deviceShell(conn).run(argv, { signal });
  if (r.code !== 0) throw new ShipRefused('runtime', `'${argv.join(' ')}' failed on ${conn.target.name}: ${r.stderr.trim().split('\n').pop()}`);
}

function emptyDevice(): DeviceImages {
  return { engineId: '', images: [], tags: new Map(), chains: new Set() };
}

export type { PreparedImage };
