// The tunnel registry through a loopback listener made by this test (the registry itself never
// listens): skopeo's inspect and copy, Range requests, refusals; deterministic compression and the
// blob cache; the ship plan and the device holdings parser. No device needed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { BlobCache, sha256 } from '../../client/src/edge/ship/blob-cache';
import { compressFile, gnuGzipCodec, zlibCodec, MEMBER_BYTES } from '../../client/src/edge/ship/compress';
import { chainIds, parseDeviceImages } from '../../client/src/edge/ship/device-images';
import { platformMatches } from '../../client/src/edge/ship/engine';
import { checkPlatform, checkSpace, planShip, ShipRefused, streamReason, versionOf } from '../../client/src/edge/ship/plan';
import { buildManifest, MEDIA, type PreparedImage } from '../../client/src/edge/ship/prepare';
import { ProgressTracker } from '../../client/src/edge/ship/progress';
import { createTunnelRegistry, parseRange, type RegistryEvent, type TunnelRegistry } from '../../client/src/edge/ship/registry';
import { saveManifest } from '../../client/src/edge/ship/transfer-load';
import { appRepository } from '../../client/src/edge/ship/ship';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pier-ship-unit-'));
const cache = new BlobCache(join(dir, 'cache'));

/** A small image made of real gzip layers: config, two layers, manifest. */
async function makeImage(): Promise<PreparedImage> {
  const layers = [];
  for (const [i, size] of [[0, 3 * MEMBER_BYTES + 12345], [1, 1000]] as const) {
    const raw = join(dir, `layer${i}.tar`);
    writeFileSync(raw, i === 0 ? Buffer.concat([randomBytes(size / 2), Buffer.alloc(size - size / 2, 7)]) : randomBytes(size));
    const tmp = cache.tempPath('t');
    const c = await compressFile(raw, tmp);
    cache.commitBlob(tmp, c.digest);
    layers.push({ diffId: c.inputDigest, digest: c.digest, size: c.size, uncompressedSize: c.inputSize, mediaType: MEDIA.layerGzip, compressor: 'test' });
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) }, config: {} }));
  const cfg = { digest: cache.putBytes(config), size: config.length };
  const manifest = buildManifest(cfg, layers);
  return { ref: 'test', id: cfg.digest, platform: 'linux/arm64', config: cfg, layers, manifest, manifestDigest: sha256(manifest), exported: true, source: 'export' };
}

describe('tunnel registry through a loopback listener', () => {
  let img: PreparedImage;
  let reg: TunnelRegistry;
  let server: Server;
  let port: number;
  const events: RegistryEvent[] = [];
  before(async () => {
    img = await makeImage();
    reg = createTunnelRegistry(
      { repository: 'pier/app', tag: versionOf(img.id), manifest: img.manifest, manifestDigest: img.manifestDigest, blobs: [{ digest: img.config.digest, size: img.config.size, bytes: cache.getBytes(img.config.digest) }, ...img.layers.map((l) => ({ digest: l.digest, size: l.size, path: cache.blobPath(l.digest) }))] },
      { onRequest: (e) => events.push(e) },
    );
    // Only the test listens, on loopback; the registry is handed each connection.
    server = createServer((s) => reg.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    reg.close();
    server.close();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  test('skopeo inspect and skopeo copy accept it (by digest and by the version tag)', async () => {
    const ref = `docker://127.0.0.1:${port}/pier/app@${img.manifestDigest}`;
    const inspect = JSON.parse((await run('skopeo', ['inspect', '--tls-verify=false', ref])).stdout) as { Digest: string; Layers: string[]; Architecture: string; RepoTags: string[] };
    assert.equal(inspect.Digest, img.manifestDigest);
    assert.deepEqual(inspect.Layers, img.layers.map((l) => l.digest));
    assert.equal(inspect.Architecture, 'arm64');
    assert.deepEqual(inspect.RepoTags, [versionOf(img.id)]);
    const dest = join(dir, 'copied');
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://127.0.0.1:${port}/pier/app:${versionOf(img.id)}`, `dir:${dest}`]);
    // skopeo verified every digest; the copied layers are our blobs byte for byte.
    for (const l of img.layers) assert.ok(readFileSync(join(dest, l.digest.slice(7))).equals(readFileSync(cache.blobPath(l.digest))));
  });

  test('Range requests: a part, an open end, a suffix, and an unsatisfiable one', async () => {
    const l = img.layers[0];
    const whole = readFileSync(cache.blobPath(l.digest));
    const part = await get(`/v2/pier/app/blobs/${l.digest}`, { Range: 'bytes=100-1099' });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 100-1099/${l.size}`);
    assert.ok(part.body.equals(whole.subarray(100, 1100)));
    const rest = await get(`/v2/pier/app/blobs/${l.digest}`, { Range: `bytes=${l.size - 10}-` });
    assert.ok(rest.body.equals(whole.subarray(l.size - 10)));
    const suffix = await get(`/v2/pier/app/blobs/${l.digest}`, { Range: 'bytes=-5' });
    assert.ok(suffix.body.equals(whole.subarray(l.size - 5)));
    assert.equal((await get(`/v2/pier/app/blobs/${l.digest}`, { Range: `bytes=${l.size}-` })).status, 416);
    assert.deepEqual(parseRange('bytes=0-1,5-6', 10), undefined, 'several ranges: the whole blob');
    const head = await get(`/v2/pier/app/blobs/${l.digest}`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(l.size));
    assert.equal(head.headers['docker-content-digest'], l.digest);
  });

  test('serves only this image, read-only, and nothing once closed', async () => {
    assert.equal((await get(`/v2/pier/app/blobs/sha256:${'0'.repeat(64)}`)).status, 404);
    assert.equal((await get(`/v2/pier/other/manifests/${img.manifestDigest}`)).status, 404);
    assert.equal((await get(`/v2/pier/app/manifests/latest`)).status, 404);
    assert.equal((await get(`/v2/pier/app/blobs/uploads/`, {}, 'POST')).status, 405);
    const m = await get(`/v2/pier/app/manifests/${img.manifestDigest}`);
    assert.equal(m.headers['content-type'], MEDIA.manifest);
    assert.equal(sha256(m.body), img.manifestDigest);
    const reg2 = createTunnelRegistry({ repository: 'pier/x', tag: 'v', manifest: img.manifest, manifestDigest: img.manifestDigest, blobs: [] });
    reg2.close();
    assert.equal(reg2.open, false);
    assert.ok(events.some((e) => e.range === '100-1099' && e.status === 206));
  });
});

describe('deterministic compression and the blob cache', () => {
  test('the same input gives the same blob every time; it is valid multi-member gzip of the input', async () => {
    const raw = join(dir, 'det.tar');
    const input = Buffer.concat([randomBytes(MEMBER_BYTES + 5), Buffer.alloc(MEMBER_BYTES, 1)]);
    writeFileSync(raw, input);
    const codecs = [gnuGzipCodec(), zlibCodec].filter((c) => c !== undefined);
    for (const codec of codecs) {
      const a = await compressFile(raw, join(dir, 'a.gz'), { codec, parallel: 2 });
      const b = await compressFile(raw, join(dir, 'b.gz'), { codec, parallel: 1 });
      assert.equal(a.digest, b.digest, `${codec.id}: parallelism does not change the bytes`);
      assert.equal(a.inputDigest, sha256(input));
      const gz = readFileSync(join(dir, 'a.gz'));
      assert.equal(gz.readUInt32LE(4), 0, 'mtime 0 in the header');
      assert.ok(gunzipSync(gz).equals(input));
    }
  });

  test('a layer record is dropped when its blob is missing or cut short', () => {
    const c = new BlobCache(join(dir, 'cache2'));
    const digest = c.putBytes(Buffer.from('blob'));
    const diffId = sha256('layer');
    c.putLayer({ diffId, digest, size: 4, uncompressedSize: 5, mediaType: MEDIA.layerGzip, compressor: 't' });
    assert.equal(c.layer(diffId)?.digest, digest);
    writeFileSync(c.blobPath(digest), 'bl');
    assert.equal(c.layer(diffId), undefined);
    assert.equal(readdirSync(join(dir, 'cache2', 'tmp')).length, 0, 'no temporary files left');
  });
});

describe('ship plan', () => {
  const layer = (n: number) => ({ diffId: `sha256:${createHash('sha256').update(`d${n}`).digest('hex')}`, digest: `sha256:${createHash('sha256').update(`g${n}`).digest('hex')}`, size: 1000 * n, uncompressedSize: 3000 * n, mediaType: MEDIA.layerGzip, compressor: 't' });
  const L = [layer(1), layer(2), layer(3)];
  const img = { ref: 'r', id: sha256('cfg'), platform: 'linux/arm64', config: { digest: sha256('cfg'), size: 3 }, layers: L, manifest: Buffer.from('{}'), manifestDigest: sha256('{}'), exported: false } as PreparedImage;
  const device = (diffIds: string[][], extra: Partial<ReturnType<typeof parseDeviceImages>> = {}) => {
    const images = diffIds.map((d, i) => ({ id: sha256(`img${i}`), diffIds: d }));
    return { engineId: 'E', images, tags: new Map<string, string>(), chains: new Set(images.flatMap((i) => chainIds(i.diffIds))), freeBytes: 1e9, tmpFreeBytes: 1e9, ...extra };
  };
  const docker = { name: 'docker' as const, access: 'direct' as const, version: '20.10.24' };
  const o = { appRef: 'app:v', runtime: docker, pulledDigests: new Set(L.map((l) => l.digest)), forwarding: true };

  test('only the layers above what the device has go; a shared base is not resent', () => {
    const p = planShip(img, device([[L[0].diffId, L[1].diffId, layer(9).diffId]]), o);
    assert.equal(p.method, 'pull');
    assert.deepEqual(p.missing.map((l) => l.digest), [L[2].digest]);
    assert.equal(p.bytesToSend, 3000);
    // A layer with the same content on another base is not the same chain: it is sent.
    assert.equal(planShip(img, device([[L[1].diffId]]), o).missing.length, 3);
  });
  test('same image ID: nothing; under another name: a tag; no forwarding or unmapped layers: load', () => {
    const d = device([[L[0].diffId]]);
    d.images.push({ id: img.id, diffIds: L.map((l) => l.diffId) });
    assert.equal(planShip(img, d, o).method, 'tag');
    d.tags.set('app:v', img.id);
    assert.equal(planShip(img, d, o).method, 'none');
    assert.equal(planShip(img, device([]), { ...o, forwarding: false }).method, 'load');
    assert.equal(planShip(img, device([[L[0].diffId]]), { ...o, pulledDigests: new Set() }).method, 'load');
    assert.equal(planShip(img, device([[L[0].diffId]]), { ...o, pulledDigests: new Set(), runtime: { ...docker, name: 'podman' } }).method, 'pull');
  });
  test('refusals before sending: too little disk, or the wrong platform', () => {
    const p = planShip(img, device([]), o);
    assert.throws(() => checkSpace(p, device([], { freeBytes: 10_000 }), 'dev1'), (e: unknown) => e instanceof ShipRefused && e.kind === 'disk' && /needs .* MB/.test(e.message));
    assert.throws(() => checkSpace(p, device([], { tmpFreeBytes: 100 }), 'dev1'), /tmp/);
    assert.doesNotThrow(() => checkSpace(p, device([]), 'dev1'));
    assert.throws(() => checkPlatform({ ref: 'x', platform: 'linux/arm/v7' }, 'linux/arm64', 'dev1'), (e: unknown) => e instanceof ShipRefused && e.kind === 'platform');
    assert.ok(platformMatches('linux/arm64/v8', 'linux/arm64'));
    assert.ok(!platformMatches('linux/amd64', 'linux/arm64'));
  });
  test('device holdings parser, chain IDs, save manifest, names, progress', () => {
    const out = `@@pier:info\nABCD:EF|/var/lib/docker\n@@pier:images\n${img.id} ${L[0].diffId},${L[1].diffId},\n@@pier:tags\napp:v ${img.id}\napp:<none> ${img.id}\n@@pier:df\n2048\n1024\n@@pier:end\n`;
    const d = parseDeviceImages(out);
    assert.equal(d.engineId, 'ABCD:EF');
    assert.equal(d.dataRoot, '/var/lib/docker');
    assert.equal(d.freeBytes, 2048 * 1024);
    assert.equal(d.tmpFreeBytes, 1024 * 1024);
    assert.deepEqual([...d.tags.keys()], ['app:v']);
    assert.ok(d.chains.has(chainIds([L[0].diffId, L[1].diffId])[1]));
    assert.equal(chainIds(['sha256:a', 'sha256:b'])[1], `sha256:${createHash('sha256').update('sha256:a sha256:b').digest('hex')}`);
    assert.deepEqual(parseDeviceImages('garbage').images, []);
    // xz on the device (its load then reads an xz stream): the path `command -v` printed, or nothing.
    assert.equal(d.xz, false);
    assert.equal(parseDeviceImages(`@@pier:xz\n/usr/bin/xz\n${out}`).xz, true);
    assert.equal(parseDeviceImages(`@@pier:xz\n@@pier:info\nX|/d\n`).xz, false);
    // The Engine API form: /info, then one inspect document per line (curl -w '\n'), every tag listed.
    const inspect = (id: string, layers: string[], tags: string[]) => JSON.stringify({ Id: id, RepoTags: tags, RootFS: { Type: 'layers', Layers: layers } });
    const other = `sha256:${'b'.repeat(64)}`;
    const apiOut = `@@pier:api-info\n${JSON.stringify({ ID: 'ABCD:EF', DockerRootDir: '/data/docker', ServerVersion: '20.10.24' })}\n@@pier:api-images\n${inspect(img.id, [L[0].diffId, L[1].diffId], ['app:v', 'app-other:v'])}\n\n${inspect(other, [L[0].diffId], ['registry.local:5000/app:x'])}\nnot json\n@@pier:df\n4096\n@@pier:end\n`;
    const a = parseDeviceImages(apiOut, 'app');
    assert.equal(a.engineId, 'ABCD:EF');
    assert.equal(a.dataRoot, '/data/docker');
    assert.deepEqual(a.images, [{ id: img.id, diffIds: [L[0].diffId, L[1].diffId] }, { id: other, diffIds: [L[0].diffId] }]);
    assert.deepEqual([...a.tags], [['app:v', img.id]]);
    assert.equal(a.freeBytes, 4096 * 1024);
    assert.ok(a.chains.has(chainIds([L[0].diffId, L[1].diffId])[1]));
    assert.equal(JSON.parse(saveManifest(img).toString())[0].Layers.length, 3);
    assert.equal(appRepository('My App_1'), 'my-app_1');
    const seen: number[] = [];
    let t = 0;
    const pt = new ProgressTracker([{ digest: 'a', size: 100 }], (p) => seen.push(p.sentBytes), () => (t += 1000), 0);
    pt.add('a', 60, 0);
    pt.add('a', 60, 0);
    pt.add('a', 50, 50);
    assert.deepEqual(seen, [60, 60, 100], 'a resent range counts once');
  });
});

test('streaming is chosen for a cold cache, or with xz from the layer store; not when the cache has the blobs otherwise, nor without room for a load', () => {
  const dev = { engineId: 'E', images: [], tags: new Map<string, string>(), chains: new Set<string>(), freeBytes: 1e9, tmpFreeBytes: 1e9 };
  const missing = [sha256('a'), sha256('b')];
  const base = { missing, loadReadsGzip: true, device: dev, imageSize: 1e6 };
  assert.match(streamReason({ ...base, cached: (d) => d === missing[0] }) ?? '', /1 of the 2 layers .* not compressed in the blob cache/);
  assert.equal(streamReason({ ...base, cached: () => true }), undefined);
  assert.match(streamReason({ ...base, cached: () => true, xzFromStore: true }) ?? '', /xz/);
  assert.equal(streamReason({ ...base, cached: () => false, loadReadsGzip: false }), undefined);
  assert.equal(streamReason({ ...base, cached: () => false, device: { ...dev, freeBytes: 1e6 } }), undefined, 'a load needs room for the archive and the layers');
  assert.equal(streamReason({ ...base, missing: [], cached: () => false, xzFromStore: true }), undefined);
});
