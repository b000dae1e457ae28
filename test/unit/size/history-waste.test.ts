// History mapping (which history entry each instruction made, for both builders' spellings) and
// waste tracking (bytes a later layer overwrites or deletes, whiteouts and opaque directories),
// on hand-built histories and layer entries whose answers are worked out by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { historyKeyword, mapHistory, type HistoryEntry } from '../../../server/src/analysis/size/history-map';
import { ruleForPath } from '../../../server/src/analysis/size/offenders';
import { groupOffenders, WasteTracker } from '../../../server/src/analysis/size/waste';

test('historyKeyword: classic #(nop) entries, BuildKit entries, plain commands', () => {
  assert.equal(historyKeyword('/bin/sh -c #(nop)  CMD ["sh"]'), 'CMD');
  assert.equal(historyKeyword('/bin/sh -c #(nop) COPY file:abc in /app '), 'COPY');
  assert.equal(historyKeyword('/bin/sh -c apt-get update'), 'RUN');
  assert.equal(historyKeyword('RUN /bin/sh -c make # buildkit'), 'RUN');
  assert.equal(historyKeyword('COPY . /app # buildkit'), 'COPY');
  assert.equal(historyKeyword('WORKDIR /app'), 'WORKDIR');
  assert.equal(historyKeyword('|1 VERSION=2 /bin/sh -c make'), 'RUN');
});

const h = (createdBy: string, emptyLayer = false): HistoryEntry => ({ createdBy, emptyLayer });

test('mapHistory: the newest entries are the Dockerfile, the rest the base; ARG leaves no entry', () => {
  const df = DockerfileParser.parse('FROM debian:12\nARG V=1\nRUN apt-get update\nCOPY . /app\nCMD ["app"]\n');
  const insts = df.getInstructions().slice(1);
  const history = [
    h('/bin/sh -c #(nop) ADD file:123 in / '),
    h('/bin/sh -c #(nop)  CMD ["bash"]', true),
    h('|1 V=1 /bin/sh -c apt-get update'),
    h('/bin/sh -c #(nop) COPY dir:456 in /app '),
    h('/bin/sh -c #(nop)  CMD ["app"]', true),
  ];
  const m = mapHistory(history, insts);
  assert.deepEqual(
    m.map((e) => [e.keyword, e.base, e.instruction?.getRange().start.line]),
    [
      ['ADD', true, undefined],
      ['CMD', true, undefined],
      ['RUN', false, 2],
      ['COPY', false, 3],
      ['CMD', false, 4],
    ],
  );
});

test('mapHistory: an entry no instruction explains (an ONBUILD trigger) counts as the base', () => {
  const df = DockerfileParser.parse('FROM app-base\nRUN make\n');
  const insts = df.getInstructions().slice(1);
  const m = mapHistory([h('ADD rootfs / # buildkit'), h('RUN make # buildkit'), h('COPY . /src # buildkit')], insts);
  // The newest COPY is the base's ONBUILD trigger: RUN make is still mapped to its line.
  assert.deepEqual(m.map((e) => [e.keyword, e.base, e.instruction?.getRange().start.line]), [
    ['ADD', true, undefined],
    ['RUN', false, 1],
    ['COPY', true, undefined],
  ]);
});

test('waste: a file deleted by a whiteout in a later layer, linked to both layers', () => {
  const t = new WasteTracker();
  t.startLayer();
  t.entry('bin/', 'directory', 0);
  t.entry('bin/sh', 'file', 1000);
  t.startLayer();
  t.entry('big.bin', 'file', 5_000_000);
  t.entry('small.txt', 'file', 6);
  t.startLayer();
  t.entry('.wh.big.bin', 'file', 0);
  const r = t.finish();
  assert.deepEqual(r.layers.map((l) => [l.bytes, l.files, l.wastedBytes]), [[1000, 1, 0], [5_000_006, 2, 5_000_000], [0, 0, 0]]);
  assert.equal(r.totalBytes, 5_001_006);
  assert.equal(r.wastedBytes, 5_000_000);
  assert.equal(r.efficiency, 1006 / 5_001_006);
  assert.deepEqual(r.offenders, [{ path: '/big.bin', bytes: 5_000_000, files: 1, layer: 1, by: 2, how: 'deleted', rule: undefined }]);
  assert.deepEqual(r.layers[1].largest.map((x) => x.path), ['/big.bin', '/small.txt']);
});

test('waste: overwrite counts the old copy, deleting a directory counts everything below it', () => {
  const t = new WasteTracker();
  t.startLayer();
  t.entry('etc/app.conf', 'file', 300);
  t.entry('var/lib/apt/lists/a_Packages', 'file', 40_000);
  t.entry('var/lib/apt/lists/b_Packages', 'file', 20_000);
  t.entry('var/lib/apt/lists/partial/c', 'file', 500);
  t.entry('opt/tool', 'symlink', 0);
  t.startLayer();
  // Overwritten in a later layer: the first copy is waste; the same layer writing twice is not.
  t.entry('etc/app.conf', 'file', 350);
  t.entry('var/lib/apt/.wh.lists', 'file', 0);
  // A symlink replaced costs nothing.
  t.entry('opt/tool', 'file', 10);
  const r = t.finish();
  assert.equal(r.wastedBytes, 300 + 40_000 + 20_000 + 500);
  assert.equal(r.layers[0].wastedBytes, 60_800);
  const apt = r.offenders.find((o) => o.path === '/var/lib/apt/lists');
  assert.deepEqual(apt && [apt.bytes, apt.files, apt.how, apt.rule], [60_500, 3, 'deleted', 'apt-lists-not-cleaned']);
  const conf = r.offenders.find((o) => o.path === '/etc/app.conf');
  assert.deepEqual(conf && [conf.bytes, conf.how], [300, 'overwritten']);
  assert.equal(r.offenders[0].path, '/var/lib/apt/lists', 'largest first');
});

test('waste: an opaque directory hides what lower layers had in it, not what its own layer adds', () => {
  const t = new WasteTracker();
  t.startLayer();
  t.entry('app/node_modules/a/index.js', 'file', 1000);
  t.entry('app/node_modules/b/index.js', 'file', 2000);
  t.entry('app/keep.txt', 'file', 5);
  t.startLayer();
  t.entry('app/node_modules/', 'directory', 0);
  t.entry('app/node_modules/.wh..wh..opq', 'file', 0);
  t.entry('app/node_modules/c/index.js', 'file', 700);
  const r = t.finish();
  assert.equal(r.wastedBytes, 3000);
  assert.equal(r.layers[1].wastedBytes, 0);
  assert.equal(r.totalBytes, 3705);
  // Deleting again what is already gone adds nothing.
  const t2 = new WasteTracker();
  t2.startLayer();
  t2.entry('x', 'file', 10);
  t2.startLayer();
  t2.entry('.wh.x', 'file', 0);
  t2.startLayer();
  t2.entry('.wh.x', 'file', 0);
  assert.equal(t2.finish().wastedBytes, 10);
  assert.equal(new WasteTracker().finish().efficiency, 1);
});

test('groupOffenders: three or more roots of one directory become dir/*, rules kept', () => {
  const w = (path: string, bytes: number) => ({ path, bytes, files: 1, layer: 0, by: 1, how: 'deleted' as const, rule: ruleForPath(path) });
  const g = groupOffenders([w('/root/.cache/pip/a', 10), w('/root/.cache/pip/b', 20), w('/root/.cache/pip/c', 30), w('/tmp/x', 5), w('/tmp/y', 50)]);
  assert.deepEqual(g.map((o) => [o.path, o.bytes, o.files, o.rule]), [
    ['/root/.cache/pip/*', 60, 3, 'pip-no-cache-dir'],
    ['/tmp/y', 50, 1, undefined],
    ['/tmp/x', 5, 1, undefined],
  ]);
});

test('ruleForPath: cache directories point to the size rule that avoids them', () => {
  assert.equal(ruleForPath('/var/cache/apk/APKINDEX.tar.gz'), 'apk-no-cache');
  assert.equal(ruleForPath('home/app/.npm/_cacache/x'), 'node-package-cache');
  assert.equal(ruleForPath('/src/.git/objects/pack/p.pack'), 'copy-all-without-dockerignore');
  assert.equal(ruleForPath('/usr/lib/libc.so'), undefined);
});
