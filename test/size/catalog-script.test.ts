// scripts/size-catalog.mjs against a real registry (Debian's docker-registry on loopback).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../server/src/analysis/size/catalog';
import { parseImageRef } from '../../server/src/analysis/dockerfile/image-ref';
import { ensureEngineAndBases, pushToRegistry, sizeSkipReason, startRegistry, type TestRegistry } from './registry-harness';

const skip = sizeSkipReason({ docker: true, registry: true });
let reg: TestRegistry;
const dir = mkdtempSync(join(tmpdir(), 'pier-catalog-'));

before(async () => {
  if (skip) return;
  await ensureEngineAndBases();
  reg = await startRegistry();
  await pushToRegistry(reg, 'pier-lab/busybox:arm64', 'library/bb:1');
});
after(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('regenerates the table from any OCI registry URL, each row with its source and date', { skip }, () => {
  const out = join(dir, 'catalog.json');
  const r = spawnSync(process.execPath, ['scripts/size-catalog.mjs', '--registry', reg.url, '--images', 'bb:1', '--platforms', 'linux/arm64,linux/amd64', '--out', out], { encoding: 'utf8' });
  process.stdout.write(r.stdout.replace(/^/gm, '# '));
  assert.equal(r.status, 0, r.stderr);
  const file = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(file.rows.length, 1, 'amd64 is not published for this tag');
  const row = file.rows[0];
  assert.equal(row.image, 'docker.io/library/bb');
  assert.equal(row.platform, 'linux/arm64');
  assert.ok(row.compressedBytes > 500_000 && row.uncompressedBytes > row.compressedBytes);
  assert.equal(row.source, `registry ${reg.url}`);
  assert.match(row.date, /^\d{4}-\d{2}-\d{2}$/);
  const cat = new Catalog(file);
  const hit = cat.lookup(parseImageRef('bb:1')!, 'linux/arm64/v8');
  assert.equal(hit.state, 'known');
});
