// Deciding what a deploy must send, before a byte goes: nothing (the device has the image), a
// tag only, a pull of the missing layers through the tunnel registry, or a load of the missing
// layers through an exec channel. Also the checks that refuse a transfer up front: platform and
// disk space. Pure functions over what the build engine and the device said.

import type { LayerRecord } from './blob-cache';
import { chainIds, type DeviceImages } from './device-images';
import { platformMatches } from './engine';
import type { PreparedImage } from './prepare';
import type { ShipRuntime } from './runtime';

/**
 * How the image gets to the device: nothing, a tag, a pull from the tunnel registry, a load of
 * cached blobs, or a stream of the engine's save archive (compressed on the way) into a load.
 */
export type ShipMethod = 'none' | 'tag' | 'pull' | 'load' | 'stream';

/** The decision and the figures behind it. */
export interface ShipPlan {
  method: ShipMethod;
  /** Layers the device lacks: these go over the wire. */
  missing: LayerRecord[];
  /** Layers the device has already. */
  present: LayerRecord[];
  /** Bytes of layer blobs that will be sent. */
  bytesToSend: number;
  /** Why this method (one sentence for the person). */
  reason: string;
}

/** A refusal before anything is sent. */
export class ShipRefused extends Error {
  override name = 'ShipRefused';
  constructor(
    readonly kind: 'platform' | 'disk' | 'runtime',
    message: string,
  ) {
    super(message);
  }
}

/** Tags of the shipped image: `<app>:<version>`, version being the image ID's short form. */
export function versionOf(imageId: string): string {
  return imageId.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Choose how to ship. `pulledDigests` are blob digests the device's Docker engine is known to
 * have pulled before (Docker only skips a layer it has when it knows which blob it came from).
 */
export function planShip(img: Pick<PreparedImage, 'id' | 'layers'>, device: DeviceImages, o: { appRef: string; runtime: ShipRuntime; pulledDigests: ReadonlySet<string>; forwarding: boolean }): ShipPlan {
  const chains = chainIds(img.layers.map((l) => l.diffId));
  let have = 0;
  while (have < chains.length && device.chains.has(chains[have])) have++;
  const present = img.layers.slice(0, have);
  const missing = img.layers.slice(have);
  const bytesToSend = missing.reduce((n, l) => n + l.size, 0);
  const onDevice = device.images.some((i) => i.id === img.id);
  if (onDevice) {
    const tagged = device.tags.get(o.appRef) === img.id;
    return { method: tagged ? 'none' : 'tag', missing: [], present: img.layers, bytesToSend: 0, reason: tagged ? `${o.appRef} is already on the device (same image ID)` : 'the device has this image under another name; only a tag is added' };
  }
  if (!o.forwarding) return { method: 'load', missing, present, bytesToSend, reason: "the device's sshd does not allow TCP forwarding (AllowTcpForwarding), so the layers go through an exec channel into the runtime's load" };
  // Docker re-downloads a layer it has unless it pulled that very blob before; loading only the
  // missing layers avoids that, since a load skips layers whose chain exists.
  const unmapped = o.runtime.name === 'docker' ? present.filter((l) => !o.pulledDigests.has(l.digest)) : [];
  if (unmapped.length) return { method: 'load', missing, present, bytesToSend, reason: `the device has ${unmapped.length} of these layers from a load, not a pull; Docker would download them again, so only the missing layers are loaded` };
  return { method: 'pull', missing, present, bytesToSend, reason: 'the device pulls the missing layers from the tunnel registry' };
}

/**
 * A layer as a streamed archive carries it: uncompressed, so its digest is its diff ID. Its size
 * is learnt from the archive's entry header as it goes (0 until then).
 */
export function streamLayer(diffId: string, size = 0): LayerRecord {
  return { diffId, digest: diffId, size, uncompressedSize: size, mediaType: 'application/vnd.docker.image.rootfs.diff.tar', compressor: 'none' };
}

/**
 * Why a deploy streams the engine's archive instead of preparing blobs, or undefined when it
 * should not: the runtime's load must read gzip, and the cache must lack the compressed blob of
 * a layer the device lacks (a cold cache: preparing would compress every such layer before the
 * first byte goes). The image's exact layer sizes are not known before the stream, so when the
 * device might not have room for all of it, the prepared path (which knows them and refuses
 * clearly) is taken instead.
 */
export function streamReason(o: { missing: readonly string[]; cached(diffId: string): boolean; loadReadsGzip: boolean; device: DeviceImages; imageSize?: number; xzFromStore?: boolean }): string | undefined {
  if (!o.loadReadsGzip || !o.missing.length) return undefined;
  const cold = [...new Set(o.missing)].filter((d) => !o.cached(d));
  if (!cold.length && !o.xzFromStore) return undefined;
  if (o.imageSize !== undefined) {
    // A load unpacks the archive in the engine's temporary directory, then extracts its layers.
    const need = 2 * o.imageSize + 8 * 1024 * 1024;
    if (o.device.freeBytes !== undefined && o.device.freeBytes < need) return undefined;
    if (o.device.tmpFreeBytes !== undefined && o.device.tmpFreeBytes < o.imageSize) return undefined;
  }
  // With xz on both ends and no export to wait for, a stream sends about a quarter fewer bytes
  // than the cached gzip blobs (bench/ship-deploy.ts), so it is preferred even when they exist.
  if (!cold.length) return `the host and the device have xz and the layers are read from the engine's layer store, so streaming them compressed with xz sends about a quarter fewer bytes than the cached gzip blobs`;
  return `${cold.length} of the ${new Set(o.missing).size} layers the device lacks are not compressed in the blob cache yet, so the engine's archive is streamed with only those layers, compressed on the way into the device's load (as docker save | gzip | docker load does) rather than compressing every layer before the first byte is sent`;
}

/** Refuse an image built for another platform than the device's. */
export function checkPlatform(img: Pick<PreparedImage, 'platform' | 'ref'>, devicePlatform: string | undefined, device: string): void {
  if (!devicePlatform) return;
  if (!platformMatches(img.platform, devicePlatform)) {
    throw new ShipRefused('platform', `${img.ref} is built for ${img.platform}, but ${device} is ${devicePlatform}; nothing was sent. Build it for the device: pier build --device ${device} (or --platform ${devicePlatform}).`);
  }
}

/** Space a transfer needs on the device: downloads are kept until extracted, then extracted. */
export function spaceNeeded(plan: ShipPlan): { download: number; total: number } {
  const download = plan.missing.reduce((n, l) => n + l.size, 0);
  const extracted = plan.missing.reduce((n, l) => n + l.uncompressedSize, 0);
  // A little room for the engine's metadata and the file system's own overhead.
  return { download, total: Math.ceil((download + extracted) * 1.05) + 8 * 1024 * 1024 };
}

/** Refuse a transfer the device has no room for, saying how much is needed and free. */
export function checkSpace(plan: ShipPlan, device: DeviceImages, name: string): void {
  if (!plan.missing.length || device.freeBytes === undefined) return;
  const need = spaceNeeded(plan);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const where = device.dataRoot ?? 'the image store';
  if (device.freeBytes < need.total) {
    throw new ShipRefused('disk', `${name} has ${mb(device.freeBytes)} free in ${where}, but this image needs ${mb(need.total)} there (${mb(need.download)} to download, then extracted); nothing was sent. Free space on the device (docker system prune, or remove old versions with docker rmi) and deploy again.`);
  }
  if (device.tmpFreeBytes !== undefined && device.tmpFreeBytes < need.download) {
    throw new ShipRefused('disk', `${name} has ${mb(device.tmpFreeBytes)} free in ${where}/tmp, where downloads are kept until extracted, but ${mb(need.download)} must be downloaded; nothing was sent. Free space there and deploy again.`);
  }
}
