// Size formatting: decimal units as `docker images` prints them, the hints on FROM and on the
// final stage, and the hover breakdown naming where each figure came from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StageEstimate } from '../../../server/src/analysis/size/estimate';
import { formatBreakdown, formatBytes, formatDelta, formatFinalHint, formatStageHint } from '../../../server/src/analysis/size/format';

test('formatBytes: decimal units, one decimal below 10, none above', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [-5, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1500, '1.5 kB'],
    [7_400_000, '7.4 MB'],
    [14_200_000, '14 MB'],
    [182_000_000, '182 MB'],
    [999_600, '1 MB'],
    [9_960_000, '10 MB'],
    [1_250_000_000, '1.3 GB'],
    [2e15, '2000 TB'],
  ];
  for (const [n, s] of cases) assert.equal(formatBytes(n), s, String(n));
  assert.equal(formatDelta(182_000_000), '+182 MB');
  assert.equal(formatDelta(0), '+0 B');
});

const base = (o: Partial<StageEstimate> = {}): StageEstimate => ({
  index: 0,
  line: 0,
  platform: 'linux/arm64',
  base: { line: 0, label: 'FROM alpine:3.20', bytes: 7_400_000, measure: 'disk', source: 'registry registry-1.docker.io' },
  parts: [],
  bytes: 7_400_000,
  basis: 'disk',
  unknown: [],
  isFinal: true,
  ...o,
});

test('hints on FROM and on the final stage', () => {
  assert.equal(formatStageHint(base()), '≈ 7.4 MB on linux/arm64');
  assert.equal(formatStageHint(base({ base: { line: 0, label: 'FROM x', bytes: 3_100_000, measure: 'download' } })), '≈ 3.1 MB download on linux/arm64');
  assert.equal(formatStageHint(base({ base: { line: 0, label: 'FROM x', unknown: 'registry down' } })), 'size unknown');
  assert.equal(formatStageHint(base({ base: { line: 0, label: 'FROM x', unknown: 'asking', pending: true } })), 'size …');
  // A figure from the bundled table says so, with the table row's date; live figures do not.
  const tableFacts = { ref: 'docker.io/library/alpine:3.20', platform: 'linux/arm64', compressedBytes: 3_400_000, source: 'bundled table (registry http://127.0.0.1:5000)', date: '2026-11-20' };
  assert.equal(formatStageHint(base({ base: { line: 0, label: 'FROM x', bytes: 3_400_000, measure: 'download', source: `${tableFacts.source} (registry: timed out)` }, baseFacts: tableFacts })), '≈ 3.4 MB download on linux/arm64 (table, 2026-11-20)');
  assert.equal(formatStageHint(base({ baseFacts: { ...tableFacts, source: 'registry registry-1.docker.io' } })), '≈ 7.4 MB on linux/arm64');
  const run = { line: 1, label: 'RUN make', unknown: 'what a RUN adds is known only after a build' };
  const copy = { line: 2, label: 'COPY . /app', bytes: 6_600_000, measure: 'disk' as const, source: '3 files from the build context' };
  assert.equal(formatFinalHint(base({ parts: [copy], bytes: 14_000_000 })), 'final image ≈ 14 MB');
  // An unknown part makes the figure a lower bound and says how many parts are missing.
  assert.equal(formatFinalHint(base({ parts: [run, copy], bytes: 14_000_000, unknown: [run] })), 'final image ≥ 14 MB + 1 unknown');
  assert.equal(formatFinalHint(base({ base: { line: 0, label: 'FROM x', unknown: 'no' }, unknown: [] })), 'final image size unknown');
});

test('breakdown names the source and date of the base and every part', () => {
  const run = { line: 1, label: 'RUN make', unknown: 'what a RUN adds is known only after a build' };
  const est = base({
    baseFacts: { ref: 'docker.io/library/alpine:3.20', platform: 'linux/arm64', compressedBytes: 3_400_000, uncompressedBytes: 7_400_000, platforms: ['linux/amd64', 'linux/arm64'], source: 'bundled table (http://127.0.0.1:5000)', date: '2026-11-26T08:00:00Z' },
    parts: [run, { line: 2, label: 'COPY `x` /app', bytes: 1200, measure: 'disk', source: '1 file from the build context' }],
    bytes: 7_401_200,
    unknown: [run],
  });
  const md = formatBreakdown(est, true);
  assert.match(md, /^\*\*Final image on linux\/arm64: ≥ 7\.4 MB\*\*/);
  assert.match(md, /- base image: download 3\.4 MB, unpacked 7\.4 MB \(bundled table \(http:\/\/127\.0\.0\.1:5000\), 2026-11-26\)/);
  assert.match(md, /- published for: linux\/amd64, linux\/arm64/);
  assert.match(md, /- `RUN make` \(line 2\): unknown, what a RUN adds is known only after a build/);
  // Backticks in labels cannot break the Markdown code span.
  assert.match(md, /- `COPY 'x' \/app` \(line 3\): 1\.2 kB, 1 file from the build context/);
  assert.match(md, /1 part of unknown size: the figure is a lower bound\./);
  const plain = formatBreakdown({ ...est, isFinal: false, name: 'build' }, false);
  assert.match(plain, /^Stage build on linux\/arm64/);
  assert.doesNotMatch(plain, /\*\*/);
  assert.match(plain, /\n {2}COPY `x` \/app \(line 3\): 1\.2 kB/);
  const mixed = formatBreakdown(base({ base: { line: 0, label: 'FROM x', bytes: 3_000_000, measure: 'download', source: 'registry r' }, basis: 'mixed' }), true);
  assert.match(mixed, /\(compressed download; unpacked size unknown\), registry r/);
  assert.match(mixed, /The base figure is its compressed download/);
});
