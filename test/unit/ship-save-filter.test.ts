// The save-archive filter of a streamed deploy, on hand-made archives in both layouts: it keeps the
// config and the wanted layers byte for byte, drops the others, writes manifest.json last, and
// fails an archive that ends early or has no manifest. Also the streamed gzip: any input comes
// back whole through a gunzip, as the same members every time.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { compressStream, MEMBER_BYTES, zlibCodec } from '../../client/src/edge/ship/compress';
import { filterSaveArchive, type SaveFilterOptions } from '../../client/src/edge/ship/save-filter';

const tmp = mkdtempSync(join(tmpdir(), 'pier-save-filter-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const tempPath = () => join(tmp, `spool-${n++}`);
const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (d: string) => d.slice(7);

// A small base layer, a large one (spooled to a file when the filter must learn its digest) and a
// top layer; the config names them in order.
const layers = [randomBytes(3000), randomBytes(MEMBER_BYTES + 12345), Buffer.from('top layer\n'.repeat(50))];
const diffIds = layers.map(digest);
const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
const configName = `${hex(digest(config))}.json`;
const v1 = ['c1', 'a2', 'b3'].map((p) => p + 'f'.repeat(62));

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink'; data?: Buffer; linkname?: string };

/** A legacy `docker save` archive as Docker 20.10 writes it: lexical order, manifest near the end. */
function legacyEntries(): Entry[] {
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: null, Layers: v1.map((id) => `${id}/layer.tar`) }]));
  const byDir = v1.map((id, i) => ({ id, i })).sort((a, b) => a.id.localeCompare(b.id));
  const out: Entry[] = [];
  for (const { id, i } of byDir) {
    out.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, data: Buffer.from('1.0') }, { name: `${id}/json`, data: Buffer.from(`{"id":"${id}"}`) }, { name: `${id}/layer.tar`, data: layers[i] });
  }
  out.push({ name: configName, data: config }, { name: 'manifest.json', data: manifest }, { name: 'repositories', data: Buffer.from('{}') });
  return out;
}

/** A legacy archive whose directories carry v1 IDs made as Docker makes them (layer_id, parent). */
function legacyWithV1Ids(): Entry[] {
  const chains: string[] = [];
  for (const d of diffIds) chains.push(chains.length ? digest(Buffer.from(`${chains[chains.length - 1]} ${d}`)) : d);
  const ids: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < diffIds.length; i++) {
    const parent = ids[i - 1];
    // Keys sorted, layer_id and the parent's full digest added, as Docker hashes them.
    const hashed = `{"container_config":{"Cmd":null},"created":"1970-01-01T00:00:00Z","layer_id":"${chains[i]}"${parent ? `,"parent":"sha256:${parent}"` : ''}}`;
    ids.push(hex(digest(Buffer.from(hashed))));
    // What the archive holds: the ID and the short parent written in, and the OS after them.
    docs.push(`{"id":"${ids[i]}"${parent ? `,"parent":"${parent}"` : ''},"created":"1970-01-01T00:00:00Z","container_config":{"Cmd":null},"os":"linux"}`);
  }
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: null, Layers: ids.map((id) => `${id}/layer.tar`) }]));
  const out: Entry[] = [];
  for (const i of [0, 1, 2].sort((a, b) => ids[a].localeCompare(ids[b]))) {
    out.push({ name: `${ids[i]}/`, type: 'directory' }, { name: `${ids[i]}/json`, data: Buffer.from(docs[i]) }, { name: `${ids[i]}/layer.tar`, data: layers[i] });
  }
  out.push({ name: configName, data: config }, { name: 'manifest.json', data: manifest });
  return out;
}

/** An OCI-layout archive as Docker 25+ writes it: blobs named by digest. */
function ociEntries(): Entry[] {
  const manifest = Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${hex(digest(config))}`, RepoTags: null, Layers: diffIds.map((d) => `blobs/sha256/${hex(d)}`) }]));
  return [
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...diffIds.map((d, i) => ({ name: `blobs/sha256/${hex(d)}`, data: layers[i] })),
    { name: `blobs/sha256/${hex(digest(config))}`, data: config },
    { name: 'index.json', data: Buffer.from('{}') },
    { name: 'manifest.json', data: manifest },
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ];
}

function archive(entries: Entry[], o: { cutAt?: number } = {}): Readable {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644, mtime: new Date(1e12) }, e.data ?? Buffer.alloc(0));
  p.finalize();
  if (o.cutAt === undefined) return p as unknown as Readable;
  // The same archive, ended after `cutAt` bytes (a link that dropped).
  const cut = new PassThrough();
  let seen = 0;
  (p as unknown as Readable).on('data', (d: Buffer) => {
    if (seen >= o.cutAt!) return;
    cut.write(d.subarray(0, o.cutAt! - seen));
    seen += d.length;
    if (seen >= o.cutAt!) cut.end();
  });
  return cut;
}

async function readTar(stream: Readable): Promise<{ name: string; type: string; data: Buffer }[]> {
  const ex = extract();
  const out: { name: string; type: string; data: Buffer }[] = [];
  ex.on('entry', (h, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (d) => chunks.push(d as Buffer));
    body.on('end', () => {
      out.push({ name: h.name, type: h.type ?? 'file', data: Buffer.concat(chunks) });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => ex.on('finish', () => resolve()).on('error', reject));
  stream.pipe(ex as unknown as NodeJS.WritableStream);
  await done;
  return out;
}

async function run(entries: Readable, keep: string[], extra: Partial<SaveFilterOptions> = {}) {
  const f = filterSaveArchive(entries, { diffIds, keep: new Set(keep), tempPath, ...extra });
  const [out, stats] = await Promise.all([readTar(f.output), f.done]);
  return { out, stats };
}

describe('save archive filter', () => {
  test('legacy layout, device has the lower layers: keeps config, small files and the top layer only; manifest last', async () => {
    const events: string[] = [];
    const { out, stats } = await run(archive(legacyEntries()), [diffIds[2]], { onLayerStart: (k, s) => events.push(`start ${k} ${s}`), onLayerEnd: (k, d) => events.push(`end ${k} ${d}`) });
    const layerEntries = out.filter((e) => e.name.endsWith('/layer.tar'));
    assert.equal(layerEntries.length, 1);
    assert.deepEqual(layerEntries[0].data, layers[2]);
    assert.equal(layerEntries[0].name, `${v1[2]}/layer.tar`);
    assert.deepEqual(out.find((e) => e.name === configName)?.data, config);
    assert.equal(out[out.length - 1].name, 'manifest.json');
    assert.ok(out.some((e) => e.name === 'repositories'));
    assert.deepEqual(stats.kept, [diffIds[2]]);
    assert.deepEqual(new Set(stats.dropped), new Set([diffIds[0], diffIds[1]]));
    assert.equal(stats.keptBytes, layers[2].length);
    assert.deepEqual(events, [`start ${diffIds[2]} ${layers[2].length}`, `end ${diffIds[2]} ${diffIds[2]}`]);
    // The large dropped layer was spooled to a file and removed again.
    assert.deepEqual(readdirSync(tmp), []);
  });

  test('legacy layout, device empty: every layer goes through as it comes and is named by its content at its end', async () => {
    const bytes = new Map<string, number>();
    const ends = new Map<string, string>();
    const { out, stats } = await run(archive(legacyEntries()), diffIds, { onLayerBytes: (k, b) => bytes.set(k, (bytes.get(k) ?? 0) + b), onLayerEnd: (k, d) => ends.set(k, d) });
    for (let i = 0; i < 3; i++) {
      const e = out.find((x) => x.name === `${v1[i]}/layer.tar`);
      assert.deepEqual(e?.data, layers[i]);
      assert.equal(ends.get(`${v1[i]}/layer.tar`), diffIds[i]);
      assert.equal(bytes.get(`${v1[i]}/layer.tar`), layers[i].length);
    }
    assert.equal(out[out.length - 1].name, 'manifest.json');
    assert.deepEqual(new Set(stats.kept), new Set(diffIds));
    assert.deepEqual(stats.dropped, []);
  });

  test('legacy layout with Docker v1 IDs: each layer is known from its json before its bytes, so nothing is spooled', async () => {
    const starts: string[] = [];
    const spoolDir = mkdtempSync(join(tmp, 'none-'));
    const { out, stats } = await run(archive(legacyWithV1Ids()), [diffIds[2]], { onLayerStart: (k) => starts.push(k), tempPath: () => assert.fail(`nothing should be spooled (${spoolDir})`) });
    const kept = out.filter((e) => e.name.endsWith('/layer.tar'));
    assert.equal(kept.length, 1);
    assert.deepEqual(kept[0].data, layers[2]);
    assert.deepEqual(starts, [diffIds[2]]);
    assert.deepEqual(new Set(stats.dropped), new Set([diffIds[0], diffIds[1]]));
    const all = await run(archive(legacyWithV1Ids()), diffIds, { onLayerStart: (k) => starts.push(k) });
    assert.deepEqual(new Set(all.stats.kept), new Set(diffIds));
    assert.deepEqual(new Set(starts.slice(1)), new Set(diffIds), 'every layer started under its diff ID');
  });

  test('OCI layout: layer blobs are chosen by their names, the config blob always stays', async () => {
    const { out, stats } = await run(archive(ociEntries()), [diffIds[1], diffIds[2]]);
    const names = out.map((e) => e.name);
    assert.ok(!names.includes(`blobs/sha256/${hex(diffIds[0])}`));
    assert.deepEqual(out.find((e) => e.name === `blobs/sha256/${hex(diffIds[1])}`)?.data, layers[1]);
    assert.deepEqual(out.find((e) => e.name === `blobs/sha256/${hex(digest(config))}`)?.data, config);
    assert.equal(names[names.length - 1], 'manifest.json');
    assert.ok(names.indexOf('oci-layout') < names.indexOf('manifest.json'));
    assert.deepEqual(stats.dropped, [diffIds[0]]);
  });

  test('an archive cut short fails, and what came out of it names no image', async () => {
    const full = legacyEntries();
    const f = filterSaveArchive(archive(full, { cutAt: 20_000 }), { diffIds, keep: new Set(diffIds), tempPath });
    const got: string[] = [];
    const ex = extract();
    ex.on('entry', (h, body, next) => {
      got.push(h.name);
      body.on('error', () => undefined);
      body.resume();
      body.on('end', next);
    });
    f.output.on('error', () => undefined);
    ex.on('error', () => undefined);
    f.output.pipe(ex as unknown as NodeJS.WritableStream);
    await assert.rejects(f.done);
    assert.ok(!got.includes('manifest.json'), got.join(', '));
  });

  test('an archive without manifest.json is refused', async () => {
    const f = filterSaveArchive(archive(legacyEntries().filter((e) => e.name !== 'manifest.json')), { diffIds, keep: new Set(diffIds), tempPath });
    f.output.resume();
    f.output.on('error', () => undefined);
    await assert.rejects(f.done, /no manifest\.json/);
  });
});

describe('streamed gzip', () => {
  async function gz(input: Buffer, chunk: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let i = 0; i < input.length; i += chunk) parts.push(input.subarray(i, i + chunk));
    const out: Buffer[] = [];
    for await (const b of compressStream(Readable.from(parts), { codec: zlibCodec, parallel: 2 })) out.push(b as Buffer);
    return Buffer.concat(out);
  }

  test('a multi-member gzip of the whole input, the same bytes however the input is chunked', async () => {
    const input = Buffer.concat([randomBytes(MEMBER_BYTES), Buffer.alloc(MEMBER_BYTES + 777, 'a')]);
    const a = await gz(input, 65536);
    const b = await gz(input, 1_000_003);
    assert.deepEqual(gunzipSync(a), input);
    assert.deepEqual(a, b);
    // Three pieces, three members: each starts with the gzip magic.
    let members = 0;
    for (let i = 0; i < a.length - 1; i++) if (a[i] === 0x1f && a[i + 1] === 0x8b && a[i + 2] === 8) members++;
    assert.ok(members >= 3);
  });

  test('an empty input is one valid empty member', async () => {
    const out = await gz(Buffer.alloc(0), 1);
    assert.deepEqual(gunzipSync(out), Buffer.alloc(0));
  });
});
