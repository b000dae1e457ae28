// The static estimate on hand-built inputs: a size source answering from a table, a context index
// written out by hand, and a previous build record. Every expected figure is summed by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext } from '../../../server/src/analysis/dockerfile/context';
import { resolveSettings } from '../../../server/src/analysis/engine/types';
import { canonicalRef, Catalog } from '../../../server/src/analysis/size/catalog';
import { cleanSource, contextBytes } from '../../../server/src/analysis/size/context-bytes';
import { estimateImage, instructionKey, type EstimateInput } from '../../../server/src/analysis/size/estimate';
import type { BuildRecord, ContextIndex, SizeLookup, SizeSource } from '../../../server/src/analysis/size/types';

/** Sizes by canonical reference and platform; anything else is unknown, `pending:` refs are in flight. */
function table(rows: Record<string, { disk?: number; download?: number; platforms?: string[] }>): SizeSource {
  return {
    lookup(ref, platform): SizeLookup {
      const key = canonicalRef(ref);
      if (key.includes('pending')) return { state: 'pending', reason: 'asking the registry' };
      const r = rows[`${key} ${platform}`] ?? rows[key];
      if (!r) return { state: 'unknown', reason: `${key} not in the test table` };
      return { state: 'known', facts: { ref: key, platform, uncompressedBytes: r.disk, compressedBytes: r.download, platforms: r.platforms, source: 'test table', date: '2026-11-26' } };
    },
  };
}

function index(files: Record<string, number>): ContextIndex {
  const list = Object.entries(files).map(([path, size]) => ({ path, size })).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { root: '/ctx', files: list, totalBytes: list.reduce((n, f) => n + f.size, 0), ignoredFiles: 0 };
}

const CONTEXT = index({ 'app/main.py': 1000, 'app/util.py': 500, 'app/data/model.bin': 100_000, 'requirements.txt': 200, 'README.md': 50, 'a.json': 10, 'b.json': 20 });

function estimate(text: string, o: Partial<EstimateInput> = {}) {
  const ctx = buildContext(text, resolveSettings(), {}, () => undefined);
  return estimateImage({ stages: ctx.stages, targetPlatform: 'linux/arm64', sizes: table({ 'docker.io/library/python:3.12-slim': { disk: 120_000_000 }, 'docker.io/library/alpine:3.20': { disk: 7_400_000, download: 3_400_000 }, 'docker.io/library/tiny:1 linux/arm/v7': { download: 900_000 } }), context: CONTEXT, resolve: ctx.resolve, ...o });
}

test('base + COPY sources from the context: files, directories, wildcards', () => {
  const e = estimate('FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nCOPY app/ /app/\nCOPY *.json /etc/\nCMD ["python"]\n');
  const f = e.final!;
  assert.equal(f.base.bytes, 120_000_000);
  assert.deepEqual(f.parts.map((p) => [p.line, p.bytes]), [[2, 200], [3, 101_500], [4, 30]]);
  assert.equal(f.bytes, 120_000_000 + 200 + 101_500 + 30);
  assert.equal(f.unknown.length, 0);
  assert.equal(f.basis, 'disk');
  assert.match(f.parts[1].source!, /^3 files from the build context$/);
});

test('RUN, remote ADD, ADD of a local archive, heredocs and unresolved args are unknown, never guessed', () => {
  const e = estimate('FROM alpine:3.20\nARG SRC\nRUN apk add curl\nADD https://example.com/x.tgz /x\nADD app.tar.gz /srv\nCOPY $SRC /srv\nCOPY <<EOF /etc/x\nhi\nEOF\n').final!;
  assert.equal(e.bytes, 7_400_000);
  assert.deepEqual(e.unknown.map((p) => p.line), [2, 3, 4, 5, 6]);
  assert.match(e.unknown[0].unknown!, /known only after a build/);
  assert.match(e.unknown[1].unknown!, /downloaded at build time/);
  assert.match(e.unknown[2].unknown!, /unpacks local archives/);
  assert.match(e.unknown[3].unknown!, /depends on build arguments/);
  assert.match(e.unknown[4].unknown!, /heredoc/);
});

test('a COPY source that matches nothing: unknown when nothing matches, counted when some does', () => {
  const none = estimate('FROM alpine:3.20\nCOPY missing/ /x\n').final!;
  assert.match(none.unknown[0].unknown!, /no file in the build context matches `missing\/` \(the build would fail\)/);
  const some = estimate('FROM alpine:3.20\nCOPY README.md nothing.txt /x/\n').final!;
  assert.equal(some.parts[0].bytes, 50);
  assert.match(some.parts[0].source!, /nothing matches nothing\.txt/);
});

test('stages: a stage on a stage carries its parent, COPY --from is known from a previous build only', () => {
  const text = 'FROM alpine:3.20 AS base\nCOPY a.json /\nFROM base AS build\nRUN make\nFROM base\nCOPY --from=build /out /out\n';
  const first = estimate(text);
  assert.equal(first.stages.length, 3);
  assert.equal(first.stages[1].base.bytes, 7_400_010);
  assert.equal(first.final!.base.bytes, 7_400_010);
  assert.match(first.final!.unknown[0].unknown!, /copied from stage `build` are measured by a build/);
  const record: BuildRecord = { dockerfile: '/ctx/Dockerfile', image: 'app:1', date: '2026-11-26', totalBytes: 0, layers: [{ line: 5, instruction: instructionKey('COPY --from=build /out   /out'), bytes: 2_000_000 }] };
  const again = estimate(text, { previousBuild: record }).final!;
  assert.equal(again.unknown.length, 0);
  assert.equal(again.bytes, 7_400_010 + 2_000_000);
  assert.match(again.parts[0].source!, /measured by the build of app:1/);
});

test('base facts: pending, unknown, download-only, and not published for the platform', () => {
  assert.equal(estimate('FROM pending/img:1\n').final!.base.pending, true);
  assert.match(estimate('FROM nowhere:1\n').final!.base.unknown!, /not in the test table/);
  const v7 = estimate('FROM tiny:1\n', { targetPlatform: 'linux/arm/v7' }).final!;
  assert.deepEqual([v7.base.bytes, v7.base.measure, v7.basis, v7.platform], [900_000, 'download', 'mixed', 'linux/arm/v7']);
  const only = estimateImage({ stages: buildContext('FROM x:1\n', resolveSettings(), {}, () => undefined).stages, targetPlatform: 'linux/arm64', context: CONTEXT, sizes: table({ 'docker.io/library/x:1': { platforms: ['linux/amd64'] } }) }).final!;
  assert.match(only.base.unknown!, /is not published for linux\/arm64 \(only linux\/amd64\)/);
  const scratch = estimate('FROM scratch\nCOPY a.json /\n').final!;
  assert.deepEqual([scratch.bytes, scratch.unknown.length], [10, 0]);
  const dynamic = estimate('ARG IMG\nFROM $IMG\n').final!;
  assert.match(dynamic.base.unknown!, /depends on build arguments without defaults/);
  // No walked context yet: COPY says why.
  const reading = estimate('FROM alpine:3.20\nCOPY . /\n', { context: { unknown: 'reading the build context…' } }).final!;
  assert.equal(reading.unknown[0].unknown, 'reading the build context…');
});

test('--platform=$BUILDPLATFORM stages are sized for the build machine', () => {
  const sizes = table({ 'docker.io/library/golang:1.22 linux/amd64': { disk: 800_000_000 }, 'docker.io/library/golang:1.22 linux/arm64': { disk: 700_000_000 } });
  const ctx = buildContext('FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM golang:1.22\n', resolveSettings(), {}, () => undefined);
  const e = estimateImage({ stages: ctx.stages, targetPlatform: 'linux/arm64', buildPlatform: 'linux/amd64', sizes, context: CONTEXT });
  assert.deepEqual(e.stages.map((s) => [s.platform, s.bytes]), [['linux/amd64', 800_000_000], ['linux/arm64', 700_000_000]]);
});

test('contextBytes: cleaning, memo, wildcards per path component', () => {
  assert.equal(cleanSource('/./app/../app//main.py'), 'app/main.py');
  assert.equal(cleanSource('../../x'), 'x');
  const idx = index({ 'src/a.ts': 1, 'src/b.ts': 2, 'src/deep/c.ts': 4, 'srcx/d.ts': 8, 'e.ts': 16 });
  assert.deepEqual(contextBytes(idx, ['src']), { bytes: 7, files: 3, missing: [] });
  assert.deepEqual(contextBytes(idx, ['src/*.ts']), { bytes: 3, files: 2, missing: [] });
  // `src*` matches the directories src and srcx whole; `*.ts` only the top-level file.
  assert.deepEqual(contextBytes(idx, ['src*']), { bytes: 15, files: 4, missing: [] });
  assert.deepEqual(contextBytes(idx, ['*.ts']), { bytes: 16, files: 1, missing: [] });
  assert.deepEqual(contextBytes(idx, ['.', 'src']), { bytes: 31 + 7, files: 8, missing: [] });
  assert.deepEqual(contextBytes(idx, ['src/[ab].ts', 'nope']), { bytes: 3, files: 2, missing: ['nope'] });
  assert.ok(idx.memo?.has('src/[ab].ts'));
});

test('bundled table: rows keyed by canonical reference and platform, source and date in the facts', () => {
  const cat = new Catalog({ description: 't', rows: [{ image: 'docker.io/library/alpine', tag: '3.20', platform: 'linux/arm64/v8', compressedBytes: 3_400_000, platforms: ['linux/amd64', 'linux/arm64'], source: 'http://127.0.0.1:5000', date: '2026-11-26' }] });
  const ctx = buildContext('FROM alpine:3.20\nFROM docker.io/library/alpine:3.20\nFROM alpine:3.19\n', resolveSettings(), {}, () => undefined);
  const [a, b, c] = ctx.stages.map((s) => cat.lookup(s.ref!, 'linux/arm64'));
  assert.equal(a.state, 'known');
  assert.deepEqual(a.state === 'known' && [a.facts.compressedBytes, a.facts.source, a.facts.date], [3_400_000, 'bundled table (http://127.0.0.1:5000)', '2026-11-26']);
  assert.equal(b.state, 'known');
  assert.equal(c.state, 'unknown');
  // A platform the table has no row for still tells the published platforms.
  assert.deepEqual(cat.facts(ctx.stages[0].ref!, 'linux/arm/v7')?.platforms, ['linux/amd64', 'linux/arm64']);
});
