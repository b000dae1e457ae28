// The streamed first deploy on an emulated arm64 lab device: with a cold blob cache the engine's
// archive goes, filtered to what the device lacks and gzip'd on the way, into the device's load.
// The image arrives whole under its ID and tag, only the missing layers travel, the next deploys
// work from what the load left, a cut link ends whole after the fallback or with a clean device,
// and a cancel leaves the device as it was. One lab for the file, small images. Needs root.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildImage } from '../../client/src/edge/build/build';
import { docker, labHeal, labRate, type LabDeviceAccess } from '../../client/src/edge/lab';
import { BlobCache } from '../../client/src/edge/ship/blob-cache';
import { probeViaShell } from '../../client/src/edge/ship/device-shell';
import { engineStorage, exportImage, inspectImage } from '../../client/src/edge/ship/engine';
import { hostHasXz } from '../../client/src/edge/ship/compress';
import { layerStoreAt } from '../../client/src/edge/ship/layer-store';
import { prepareImage } from '../../client/src/edge/ship/prepare';
import { filterSaveArchive } from '../../client/src/edge/ship/save-filter';
import { shipImage, type ShipOptions } from '../../client/src/edge/ship/ship';
import type { ShipProgress } from '../../client/src/edge/ship/progress';
import { labTarget } from '../../client/src/edge/ship/targets';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshOptions } from '../../client/src/edge/ssh/target';
import { useLab } from '../lab/harness';
import { cutUntilReconnecting } from './helpers/wait';

const NAME = 'shipstream';
const lab = useLab({ name: NAME, devices: 1 });
const work = mkdtempSync(join(tmpdir(), 'pier-ship-stream-'));
const APP = 'streamtest';
let caches = 0;
const coldCache = () => new BlobCache(join(work, `cache-${caches++}`));

function options(d: LabDeviceAccess, over: Partial<SshOptions> = {}): SshOptions {
  return { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null, connectTimeoutMs: 10_000, ...over };
}

/** Busybox, a layer of random bytes, a text file (the same shape as ship-lab's variants). */
const big = randomBytes(1_500_000);

async function buildVariant(tag: string, text: string, bigBytes = big): Promise<string> {
  const ctx = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(ctx, 'big.bin'), bigBytes);
  writeFileSync(join(ctx, 'app.txt'), text);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM pier-lab/busybox:arm64\nCOPY big.bin /data/big.bin\nCOPY app.txt /app.txt\nCMD ["cat", "/app.txt"]\n');
  return (await buildImage({ context: ctx, platform: 'linux/arm64', tag })).imageId;
}

async function deviceState(d: LabDeviceAccess): Promise<string> {
  const r = await docker(d.engineSocket, ['images', '-a', '--digests', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}}@{{.Digest}} {{.ID}}']);
  return r.stdout.split('\n').filter(Boolean).sort().join('\n');
}

describe('streamed first deploy to a lab device', { skip: lab.skip, timeout: 900_000 }, () => {
  let d: LabDeviceAccess;
  let pool: SshPool;
  let base: Omit<ShipOptions, 'ref' | 'cache'>;
  const images: Record<string, string> = {};
  let hostStore = false;

  before(async () => {
    d = lab.device();
    pool = new SshPool(options(d));
    const conn = pool.get(labTarget(d));
    const probe = await probeViaShell(conn, { compose: false });
    base = { conn, device: { name: d.name, platform: probe.platform, runtime: probe.runtime! }, app: APP };
    const info = await engineStorage();
    hostStore = !!layerStoreAt(info?.root, info?.driver);
    images.v1 = await buildVariant('pier-test/stream:v1', 'one\n');
    images.v2 = await buildVariant('pier-test/stream:v2', 'two\n');
  });
  after(async () => {
    pool?.closeAll();
    if (d) await labRate(d.name, 'off', NAME).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  test("the engine's own archive: every legacy layer directory is known from its json, so nothing is spooled", async () => {
    const img = await inspectImage(images.v1);
    const top = img.diffIds[img.diffIds.length - 1];
    const f = filterSaveArchive(exportImage(img.id).stdout, { diffIds: img.diffIds, keep: new Set([top]), tempPath: () => assert.fail('a layer was spooled') });
    f.output.resume();
    const stats = await f.done;
    assert.deepEqual(stats.kept, [top]);
    assert.equal(stats.dropped.length, img.diffIds.length - 1);
  });

  test('the base image, cold cache, empty device: streamed whole, runs, tagged APP:VERSION', async () => {
    const log: string[] = [];
    // The engine's own export (layerStore: false); the next tests read the layer store when they can.
    const r = await shipImage({ ...base, app: 'streambase', ref: 'pier-lab/busybox:arm64', cache: coldCache(), log: (l) => log.push(l), layerStore: false, streamCompressor: 'process' });
    assert.equal(r.method, 'stream');
    assert.equal(r.layersPresent, 0);
    assert.ok(log.some((l) => /streaming .*from the engine's export, gzip -6.*not compressed in the blob cache/.test(l)), log.join('\n'));
    const id = (await docker(d.engineSocket, ['image', 'inspect', '--format', '{{.Id}}', r.tag])).stdout.trim();
    assert.equal(id, r.imageId);
    assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag, 'echo', 'ok'])).stdout, 'ok\n');
  });

  test('device holding the base layers: only the missing layers are streamed; the image has the right ID and tag and runs', async () => {
    const cache = coldCache();
    const seen: ShipProgress[] = [];
    const log: string[] = [];
    const r = await shipImage({ ...base, ref: images.v1, cache, onProgress: (p) => seen.push(p), log: (l) => log.push(l) });
    assert.equal(r.method, 'stream');
    // The build engine here is the host's dockerd (overlay2, readable by root): its layer store is
    // the source whenever this process can read it.
    assert.ok(log.some((l) => l.includes(hostStore ? "read from the engine's layer store" : "from the engine's export")), log.join('\n'));
    // The lab device runs the host's programs, so it has xz when the host has: xz -0 is chosen then.
    assert.ok(log.some((l) => l.includes(hostHasXz() ? 'xz -0: both ends have xz' : 'gzip -6')), log.join('\n'));
    const img = await inspectImage(images.v1);
    assert.equal(r.layersPresent, img.diffIds.length - 2, 'the busybox layers were on the device');
    assert.deepEqual(r.plan.missing.map((l) => l.diffId), img.diffIds.slice(-2));
    // The random layer does not compress; busybox itself (about 1 MB gzip'd) was not sent.
    assert.ok(r.bytesSent > 1_500_000 && r.bytesSent < 1_700_000, `sent ${r.bytesSent}`);
    const last = seen[seen.length - 1];
    assert.equal(last.phase, 'done');
    assert.deepEqual(last.layers.map((l) => l.digest).sort(), img.diffIds.slice(-2).sort());
    assert.ok(last.layers.every((l) => l.sent === l.size && l.size > 0));
    assert.equal((await docker(d.engineSocket, ['image', 'inspect', '--format', '{{.Id}}', `${APP}:${r.version}`])).stdout.trim(), images.v1);
    assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag])).stdout, 'one\n');
  });

  test('after a streamed deploy: nothing changed sends nothing, and the prepared path loads only the changed layer', async () => {
    const cache = coldCache();
    const same = await shipImage({ ...base, ref: images.v1, cache });
    assert.equal(same.method, 'none');
    assert.equal(same.bytesSent, 0);
    // The device has v1's layers from a load: Docker would download them again from a registry,
    // so the prepared path loads the one missing layer.
    const r = await shipImage({ ...base, ref: images.v2, cache, stream: false });
    assert.equal(r.method, 'load');
    assert.equal(r.plan.missing.length, 1);
    assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag])).stdout, 'two\n');
  });

  test("a rebuild whose base layers are cached: the changed layer comes from the engine's layer store, and its blob is the export's byte for byte", async () => {
    const cache = coldCache();
    const first = await prepareImage(images.v1, { cache });
    assert.equal(first.source, 'export', 'nothing cached yet: the whole image is exported');
    const v5 = await buildVariant('pier-test/stream:v5', 'five\n');
    const second = await prepareImage(v5, { cache });
    assert.equal(second.source, hostStore ? 'store' : 'export');
    const exported = await prepareImage(v5, { cache: coldCache() });
    assert.equal(exported.source, 'export');
    assert.equal(second.manifest.toString(), exported.manifest.toString(), 'the same blobs, digests and sizes either way');
    assert.equal(second.id, v5);
  });

  test('cancelled during the streamed load: the device is left exactly as it was', async () => {
    const v3 = await buildVariant('pier-test/stream:v3', 'three\n', randomBytes(2_000_000));
    await labRate(d.name, '2mbit', NAME);
    try {
      const before = await deviceState(d);
      const ac = new AbortController();
      const shipping = shipImage({ ...base, ref: v3, cache: coldCache(), signal: ac.signal, onProgress: (p) => p.phase === 'transfer' && p.sentBytes > 400_000 && ac.abort() });
      await assert.rejects(shipping);
      assert.ok(ac.signal.aborted, 'the transfer was under way when it was cancelled');
      assert.equal(await deviceState(d), before);
    } finally {
      await labRate(d.name, 'off', NAME);
    }
  });

  test('a cut link during the streamed load: the image ends whole after the fallback, never half and never tagged half', async () => {
    const v4 = await buildVariant('pier-test/stream:v4', 'four\n', randomBytes(2_000_000));
    // An exec channel's load does not bound what waits in the link's queue (the SSH window, 2 MiB),
    // so keepalives here tolerate that queue at this rate; the cut itself is still found in seconds.
    const cutPool = new SshPool(options(d, { keepaliveIntervalMs: 1000, keepaliveCountMax: 8, reconnect: { initialDelayMs: 200, maxDelayMs: 1000, maxAttempts: Infinity } }));
    const conn = cutPool.get(labTarget(d));
    await labRate(d.name, '4mbit', NAME);
    const log: string[] = [];
    let cut: Promise<void> | undefined;
    try {
      const r = await shipImage({
        ...base,
        conn,
        ref: v4,
        cache: coldCache(),
        log: (l) => log.push(l),
        onProgress: (p) => {
          if (cut || p.phase !== 'transfer' || p.sentBytes < 500_000) return;
          cut = cutUntilReconnecting(conn, d.name, NAME);
        },
      });
      await cut;
      assert.ok(cut, 'the link was cut during the transfer');
      assert.ok(log.some((l) => /dropped during the streamed load/.test(l)), log.join('\n'));
      assert.notEqual(r.method, 'stream', 'the retry took the prepared path');
      assert.equal((await docker(d.engineSocket, ['image', 'inspect', '--format', '{{.Id}}', r.tag])).stdout.trim(), v4);
      assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag])).stdout, 'four\n');
    } catch (e) {
      // What happened before the failure, for whoever reads the test's output.
      console.error(log.join('\n'));
      throw e;
    } finally {
      await labHeal(d.name, NAME).catch(() => undefined);
      await labRate(d.name, 'off', NAME);
      cutPool.closeAll();
    }
  });
});
