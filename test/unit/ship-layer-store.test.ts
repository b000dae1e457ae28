// Rebuilding a layer tar from a Docker-style layer store (overlay2 diff folder + tar-split record)
// on a store made here from a real tar: byte-identical output, the diff ID check, and names that
// try to leave the layer's folder.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { chainIds } from '../../client/src/edge/ship/device-images';
import { layerStoreAt, storeArchive, storedConfig, writeStoredLayer } from '../../client/src/edge/ship/layer-store';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A tar of these entries, made by tar-stream as Docker's would be by Go's archive/tar. */
async function makeTar(entries: { name: string; body?: string; type?: 'directory' | 'file' }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (d: unknown) => void chunks.push(d as Buffer));
  for (const e of entries) {
    await new Promise<void>((res, rej) => p.entry({ name: e.name, type: e.type ?? 'file', mtime: new Date(0), mode: 0o644 }, e.type === 'directory' ? '' : e.body ?? '', (err) => (err ? rej(err) : res())));
  }
  p.finalize();
  await new Promise<void>((r) => p.on('end', () => r()));
  return Buffer.concat(chunks);
}

/** The tar-split record of a plain ustar archive: headers and padding as segments, contents left out. */
function tarSplit(tar: Buffer, rename?: (name: string) => string): string {
  const lines: string[] = [];
  let off = 0;
  let pos = 0;
  const seg = (b: Buffer) => b.length && lines.push(JSON.stringify({ type: 2, payload: b.toString('base64'), position: pos++ }));
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const name = h.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    seg(h);
    lines.push(JSON.stringify({ type: 1, name: rename ? rename(name) : name, size, payload: null, position: pos++ }));
    off += 512 + size;
    const pad = (512 - (size % 512)) % 512;
    seg(tar.subarray(off, off + pad));
    off += pad;
  }
  seg(tar.subarray(off));
  return lines.join('\n') + '\n';
}

/** A store holding one image of two layers, built from real tars. */
async function makeStore(o: { rename?: (name: string) => string } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'pier-layer-store-'));
  dirs.push(root);
  const layers = [
    [{ name: 'etc/', type: 'directory' as const }, { name: 'etc/os-release', body: 'ID=debian\n' }, { name: 'bin/sh', body: 'x'.repeat(1500) }],
    [{ name: 'app/', type: 'directory' as const }, { name: 'app/index.html', body: '<h1>hi</h1>\n' }, { name: 'app/empty', body: '' }],
  ];
  const tars = await Promise.all(layers.map((l) => makeTar(l)));
  const diffIds = tars.map((t) => sha(t));
  const chains = chainIds(diffIds);
  layers.forEach((entries, i) => {
    const cacheId = `cache${i}`;
    const dir = join(root, 'image', 'overlay2', 'layerdb', 'sha256', chains[i].slice(7));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'diff'), diffIds[i]);
    writeFileSync(join(dir, 'cache-id'), cacheId);
    writeFileSync(join(dir, 'tar-split.json.gz'), gzipSync(tarSplit(tars[i], o.rename)));
    for (const e of entries) {
      const p = join(root, 'overlay2', cacheId, 'diff', e.name);
      if (e.type === 'directory') mkdirSync(p, { recursive: true });
      else {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, e.body ?? '');
      }
    }
  });
  const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const imageId = sha(config);
  mkdirSync(join(root, 'image', 'overlay2', 'imagedb', 'content', 'sha256'), { recursive: true });
  writeFileSync(join(root, 'image', 'overlay2', 'imagedb', 'content', 'sha256', imageId.slice(7)), config);
  return { root, tars, diffIds, imageId, config };
}

test('each layer comes back byte for byte from the diff folder and its tar-split record', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2');
  assert.ok(store);
  for (let i = 0; i < s.tars.length; i++) {
    const dest = join(s.root, `out${i}.tar`);
    assert.equal(await writeStoredLayer(store, s.diffIds, i, dest), s.tars[i].length);
    assert.ok(readFileSync(dest).equals(s.tars[i]));
  }
  assert.ok(storedConfig(store, s.imageId)?.equals(s.config));
  assert.equal(storedConfig(store, sha('another')), undefined);
});

test('a store that does not give the diff ID back is refused, so the caller exports instead', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2')!;
  const cacheDir = join(s.root, 'overlay2', 'cache1', 'diff');
  writeFileSync(join(cacheDir, 'app/index.html'), '<h1>HI</h1>\n');
  await assert.rejects(writeStoredLayer(store, s.diffIds, 1, join(s.root, 'x.tar')), /not its diff ID/);
  writeFileSync(join(cacheDir, 'app/index.html'), '<h1>hi!!</h1>\n');
  await assert.rejects(writeStoredLayer(store, s.diffIds, 1, join(s.root, 'y.tar')), /has 14 bytes in the layer store, the layer records 12/);
  // The diff IDs asked for must be the ones the store recorded for that chain.
  await assert.rejects(writeStoredLayer(store, [s.diffIds[0], sha('other')], 1, join(s.root, 'z.tar')), /ENOENT|records/);
});

test('a missing or corrupt tar-split record fails the read (the caller exports instead), and nothing throws later', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2')!;
  const record = join(s.root, 'image', 'overlay2', 'layerdb', 'sha256', chainIds(s.diffIds)[1].slice(7), 'tar-split.json.gz');
  writeFileSync(record, 'not gzip');
  await assert.rejects(writeStoredLayer(store, s.diffIds, 1, join(s.root, 'x.tar')), /header/);
  rmSync(record);
  await assert.rejects(writeStoredLayer(store, s.diffIds, 1, join(s.root, 'y.tar')), /ENOENT/);
  await new Promise((r) => setTimeout(r, 100));
});

test('a layer that cannot be written (a full disk) fails with the reason', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2')!;
  // /dev/full answers every write with ENOSPC, as a full disk does.
  await assert.rejects(writeStoredLayer(store, s.diffIds, 0, '/dev/full'), /ENOSPC/);
  await assert.rejects(writeStoredLayer(store, s.diffIds, 0, join(s.root, 'no-such-dir', 'x.tar')), /ENOENT/);
  await new Promise((r) => setTimeout(r, 100));
});

test('a tar-split name that leaves the layer folder is refused', async () => {
  const s = await makeStore({ rename: (n) => (n === 'app/index.html' ? '../../../../etc/hostname' : n) });
  const store = layerStoreAt(s.root, 'overlay2')!;
  await assert.rejects(writeStoredLayer(store, s.diffIds, 1, join(s.root, 'x.tar')), /outside the layer/);
});

/** The entries of a tar stream, in order. */
async function entriesOf(stream: NodeJS.ReadableStream): Promise<{ name: string; body: Buffer }[]> {
  const x = extract();
  const out: { name: string; body: Buffer }[] = [];
  x.on('entry', (h, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => void chunks.push(c as Buffer));
    body.on('end', () => (out.push({ name: h.name, body: Buffer.concat(chunks) }), next()));
  });
  const done = new Promise<void>((res, rej) => (x.on('finish', res), x.on('error', rej)));
  stream.pipe(x as unknown as NodeJS.WritableStream);
  await done;
  return out;
}

test('a save archive from the store: the config, only the missing layers byte for byte, manifest.json last naming all', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2')!;
  const a = storeArchive(store, { imageId: s.imageId, diffIds: s.diffIds, missing: new Set([s.diffIds[1]]) });
  const [entries] = await Promise.all([entriesOf(a.stdout), a.done]);
  const hex = (d: string) => d.slice(7);
  assert.deepEqual(entries.map((e) => e.name), [`${hex(s.imageId)}.json`, `blobs/sha256/${hex(s.diffIds[1])}`, 'manifest.json']);
  assert.ok(entries[0].body.equals(s.config));
  assert.ok(entries[1].body.equals(s.tars[1]), 'the missing layer, rebuilt from its diff folder');
  assert.deepEqual(JSON.parse(entries[2].body.toString()), [{ Config: `${hex(s.imageId)}.json`, RepoTags: null, Layers: s.diffIds.map((d) => `blobs/sha256/${hex(d)}`) }]);
});

test('a store archive whose layer does not match its record fails instead of ending short', async () => {
  const s = await makeStore();
  const store = layerStoreAt(s.root, 'overlay2')!;
  writeFileSync(join(s.root, 'overlay2', 'cache1', 'diff', 'app/index.html'), '<h1>hi!!</h1>\n');
  const a = storeArchive(store, { imageId: s.imageId, diffIds: s.diffIds, missing: new Set(s.diffIds) });
  a.stdout.resume();
  await assert.rejects(a.done, /has 14 bytes in the layer store, the layer records 12/);
  // Nothing is thrown later, outside the promise (the runner reports such errors as a failure).
  await new Promise((r) => setTimeout(r, 100));
});

test('only an overlay2 store this process can read is used', () => {
  assert.equal(layerStoreAt('/nonexistent-pier-root', 'overlay2'), undefined);
  assert.equal(layerStoreAt(tmpdir(), 'vfs'), undefined);
  assert.equal(layerStoreAt('relative/root', 'overlay2'), undefined);
  assert.equal(layerStoreAt(undefined, 'overlay2'), undefined);
});
