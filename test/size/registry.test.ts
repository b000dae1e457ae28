// Sizes read from a real registry (Debian's docker-registry on loopback) holding images built in
// the lab's build engine, including a multi-platform index; and the failures a registry can
// produce: down, slow, 401/404/500, an oversized manifest. No part of Pier is replaced.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { parseImageRef } from '../../server/src/analysis/dockerfile/image-ref';
import { RegistryError } from '../../server/src/size/http';
import { readRegistrySize } from '../../server/src/size/registry';
import { SizeFacts } from '../../server/src/size/size-facts';
import { buildImage, ensureEngineAndBases, freePort, manifestOf, pushToRegistry, putIndex, sizeSkipReason, startRegistry, type TestRegistry } from './registry-harness';

const skip = sizeSkipReason({ docker: true, registry: true });
let reg: TestRegistry;
const servers: Server[] = [];
const cleanup: string[] = [];

before(async () => {
  if (skip) return;
  await ensureEngineAndBases();
  reg = await startRegistry();
  cleanup.push(await buildImage('pier-lab/size-amd64:1', 'linux/amd64', 'FROM scratch\nCOPY payload.bin /payload.bin\n', { 'payload.bin': Buffer.alloc(300_000, 7) }));
  await pushToRegistry(reg, 'pier-lab/busybox:arm64', 'busybox:arm64');
  await pushToRegistry(reg, 'pier-lab/busybox:armv7', 'busybox:armv7');
  await pushToRegistry(reg, 'pier-lab/size-amd64:1', 'busybox:amd64');
  await putIndex(reg, 'busybox', 'multi', [
    { tag: 'arm64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { tag: 'armv7', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { tag: 'amd64', platform: { os: 'linux', architecture: 'amd64' } },
  ]);
});

after(async () => {
  for (const s of servers) s.close();
  await reg?.stop();
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** A loopback HTTP server with a handler; closed after the file's tests. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const port = await freePort();
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  return `127.0.0.1:${port}`;
}

const ref = (text: string) => parseImageRef(text)!;

test('multi-platform index: compressed, unpacked and published platforms for arm64, arm/v7 and amd64', { skip }, async () => {
  for (const [platform, tag] of [['linux/arm64', 'arm64'], ['linux/arm/v7', 'armv7'], ['linux/amd64', 'amd64']] as const) {
    const f = await readRegistrySize(ref(`${reg.host}/busybox:multi`), platform);
    const m = await manifestOf(reg, 'busybox', tag);
    const layers: Array<{ digest: string; size: number }> = m.body.layers;
    assert.equal(f.compressedBytes, layers.reduce((n, l) => n + l.size, 0), `${platform}: compressed = sum of layer sizes`);
    // The unpacked size from the gzip trailers equals the real unpacked layers.
    let unpacked = 0;
    for (const l of layers) unpacked += gunzipSync(Buffer.from(await (await fetch(`${reg.url}/v2/busybox/blobs/${l.digest}`)).arrayBuffer())).length;
    assert.equal(f.uncompressedBytes, unpacked, `${platform}: unpacked size`);
    assert.deepEqual([...f.platforms!].sort(), ['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
    assert.equal(f.digest, m.digest);
    process.stdout.write(`# registry ${reg.host}/busybox:multi ${platform}: compressed ${f.compressedBytes} B, unpacked ${f.uncompressedBytes} B\n`);
  }
});

test('single-platform tag: the platform comes from the image config', { skip }, async () => {
  const f = await readRegistrySize(ref(`${reg.host}/busybox:arm64`), 'linux/arm64');
  assert.deepEqual(f.platforms, ['linux/arm64']);
  assert.ok(f.compressedBytes! > 500_000);
  const other = await readRegistrySize(ref(`${reg.host}/busybox:arm64`), 'linux/amd64');
  assert.equal(other.compressedBytes, undefined, 'no size for a platform the tag lacks');
});

test('a platform the index lacks: no size, and base-image-platform-missing reports the FROM', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-size-cache-'));
  try {
    const facts = new SizeFacts({ cacheDir: dir, localEngine: false });
    const r = await facts.resolve(ref(`${reg.host}/busybox:multi`), 'linux/riscv64');
    assert.equal(r.state, 'known');
    assert.equal(r.state === 'known' && r.facts.compressedBytes, undefined);
    const findings = analyzeDockerfile(`FROM ${reg.host}/busybox:multi\n`, { settings: { targetPlatforms: ['linux/riscv64'] }, files: { imagePlatforms: facts.publishedPlatforms() } });
    const f = findings.find((x) => x.rule === 'base-image-platform-missing');
    assert.ok(f, 'reported');
    assert.match(f.message, /not published for linux\/riscv64/);
    const ok = analyzeDockerfile(`FROM ${reg.host}/busybox:multi\n`, { settings: { targetPlatforms: ['linux/arm/v7'] }, files: { imagePlatforms: facts.publishedPlatforms() } });
    assert.ok(!ok.some((x) => x.rule === 'base-image-platform-missing'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown tag is "not found"; a stopped registry is "unreachable"', { skip }, async () => {
  await assert.rejects(readRegistrySize(ref(`${reg.host}/busybox:nope`), 'linux/arm64'), (e: RegistryError) => e.kind === 'not-found' && /not found/.test(e.message));
  const port = await freePort();
  await assert.rejects(readRegistrySize(ref(`127.0.0.1:${port}/x:1`), 'linux/arm64'), (e: RegistryError) => e.kind === 'unreachable' && e.hostDown);
});

test('a registry that never answers times out within the 3 s deadline', { skip }, async () => {
  const host = await serve(() => undefined);
  const t0 = performance.now();
  await assert.rejects(readRegistrySize(ref(`${host}/x:1`), 'linux/arm64'), (e: RegistryError) => e.kind === 'timeout');
  const ms = performance.now() - t0;
  process.stdout.write(`# slow registry gave up after ${ms.toFixed(0)} ms\n`);
  assert.ok(ms < 4500, `gave up after ${ms} ms`);
});

test('500, 401 with Basic auth, and a 1 GB manifest are refused with their reason', { skip }, async () => {
  const h500 = await serve((_q, res) => res.writeHead(500, 'Internal Server Error').end('boom'));
  await assert.rejects(readRegistrySize(ref(`${h500}/x:1`), 'linux/arm64'), (e: RegistryError) => e.kind === 'server' && /500/.test(e.message));
  const basic = await serve((_q, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end());
  await assert.rejects(readRegistrySize(ref(`${basic}/x:1`), 'linux/arm64'), (e: RegistryError) => e.kind === 'auth');
  // Declared as 1 GB: refused before reading it.
  const declared = await serve((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(1024 ** 3) });
    res.write(Buffer.alloc(65536, 32));
  });
  await assert.rejects(readRegistrySize(ref(`${declared}/x:1`), 'linux/arm64'), (e: RegistryError) => e.kind === 'too-large');
  // No length, an endless body: cut off at the cap.
  let sent = 0;
  const endless = await serve((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    const chunk = Buffer.alloc(65536, 32);
    const pump = () => {
      while (sent < 1024 ** 3 && res.write(chunk)) sent += chunk.length;
      if (sent < 1024 ** 3 && !res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => undefined);
    pump();
  });
  await assert.rejects(readRegistrySize(ref(`${endless}/x:1`), 'linux/arm64', { maxManifestBytes: 4 * 1024 * 1024 }), (e: RegistryError) => e.kind === 'too-large');
  assert.ok(sent < 64 * 1024 * 1024, `the client stopped reading early (server sent ${sent} bytes)`);
});

test("Docker Hub's token flow: a 401 Bearer challenge, an anonymous token, the request again", { skip }, async () => {
  let tokens = 0;
  const proxy = await serve(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/token') {
      tokens++;
      assert.equal(url.searchParams.get('service'), 'test-registry');
      assert.match(url.searchParams.get('scope') ?? '', /^repository:busybox:pull$/);
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tkn', expires_in: 300 }));
    }
    if (req.headers.authorization !== 'Bearer tkn') {
      return res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="test-registry",scope="repository:busybox:pull"` }).end();
    }
    // Authorised: forward to the real registry.
    const up = await fetch(`${reg.url}${req.url}`, { headers: { accept: String(req.headers.accept ?? '*/*'), ...(req.headers.range ? { range: String(req.headers.range) } : {}) } });
    const headers: Record<string, string> = {};
    up.headers.forEach((v, k) => (headers[k] = v));
    res.writeHead(up.status, headers).end(Buffer.from(await up.arrayBuffer()));
  });
  const f = await readRegistrySize(ref(`${proxy}/busybox:multi`), 'linux/arm64');
  const direct = await readRegistrySize(ref(`${reg.host}/busybox:multi`), 'linux/arm64');
  assert.equal(f.compressedBytes, direct.compressedBytes);
  assert.equal(f.uncompressedBytes, direct.uncompressedBytes);
  await readRegistrySize(ref(`${proxy}/busybox:arm64`), 'linux/arm64');
  assert.equal(tokens, 1, 'the token is reused within its lifetime');
});

test('the catalog never blocks and never asks a down registry again on every keystroke', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-size-cache-'));
  try {
    const host = await serve(() => undefined);
    const changes: string[] = [];
    const facts = new SizeFacts({ cacheDir: dir, localEngine: false, onFacts: (k) => changes.push(k) });
    const r = ref(`${host}/app:1`);
    const first = facts.lookup(r, 'linux/arm64');
    assert.equal(first.state, 'pending', 'answers at once while the registry is asked');
    for (let i = 0; i < 200; i++) facts.lookup(r, 'linux/arm64');
    const done = await facts.resolve(r, 'linux/arm64');
    assert.equal(done.state, 'unknown');
    assert.match(done.state === 'unknown' ? done.reason : '', /did not answer in time/);
    // Typing on: other images on the same host are not tried while it is backed off.
    for (let i = 0; i < 200; i++) facts.lookup(ref(`${host}/app:${i % 5}`), 'linux/arm64');
    await facts.resolve(ref(`${host}/app:3`), 'linux/arm64');
    assert.equal(facts.registryReads.get(host), 1, 'one registry read in all');
    assert.match(facts.lookup(ref(`${host}/app:3`), 'linux/arm64').state === 'unknown' ? (facts.lookup(ref(`${host}/app:3`), 'linux/arm64') as { reason: string }).reason : '', /not asked again until/);
    assert.ok(changes.length >= 1, 'listeners told when the answer came');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('registry facts are cached on disk: a second catalog answers with the registry stopped', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-size-cache-'));
  const extra = await startRegistry();
  try {
    await pushToRegistry(extra, 'pier-lab/busybox:arm64', 'bb:1');
    // A generous deadline for the first read: the 3 s one is tested above, and a loaded machine can miss it here.
    const a = new SizeFacts({ cacheDir: dir, localEngine: false, timeoutMs: 20_000 });
    const first = await a.resolve(ref(`${extra.host}/bb:1`), 'linux/arm64');
    assert.equal(first.state, 'known', JSON.stringify(first));
    await extra.stop();
    const b = new SizeFacts({ cacheDir: dir, localEngine: false });
    const again = await b.resolve(ref(`${extra.host}/bb:1`), 'linux/arm64');
    assert.equal(again.state, 'known');
    assert.equal(again.state === 'known' && again.facts.compressedBytes, first.state === 'known' && first.facts.compressedBytes);
    assert.equal(b.registryReads.size, 0, 'no request made');
  } finally {
    await extra.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
