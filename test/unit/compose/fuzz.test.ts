// Property test: mutations of the corpus Compose files (cut, inserted YAML punctuation, tabs,
// anchors, aliases, merge keys, swapped and duplicated lines) never make the analysis throw or
// log, findings stay inside the document, and every fix applies cleanly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import { composeCompletion } from '../../../server/src/analysis/compose/completion';
import { composeHover } from '../../../server/src/analysis/compose/hover';
import { composeSymbols } from '../../../server/src/analysis/compose/symbols';
import { applyEdits } from '../../../server/src/analysis/engine/edits';
import { LineIndex } from '../../../server/src/analysis/engine/text';
import type { Range } from '../../../server/src/analysis/engine/types';
import { corpusFiles } from '../../corpus-files';

const files = corpusFiles('compose').map((f) => f.text);

const SNIPPETS = ['\t', ':', ': ', '- ', '&a ', '*a', '<<: *a', '<<: [*a, *b]', '{', '}', '[', ']', '"', "'", '#', '|', '>', '\n', '\n  ', '${', '$', '$$', '${X:-y}', '? ', '!!str ', '---\n', '...\n', '%YAML 1.2\n', 'privileged: true', 'ports: ["5432:5432"]', '\u0000', '\r\n', '~', 'null', '&b [*a, *a, *a]'];

type Op = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; len: number } | { kind: 'dupLine'; line: number } | { kind: 'swap'; a: number; b: number } | { kind: 'truncate'; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, ops: Op[]): string {
  let t = text;
  for (const o of ops) {
    const n = Math.max(1, t.length);
    if (o.kind === 'insert') t = t.slice(0, o.at % n) + o.text + t.slice(o.at % n);
    else if (o.kind === 'delete') t = t.slice(0, o.at % n) + t.slice((o.at % n) + o.len);
    else if (o.kind === 'truncate') t = t.slice(0, o.at % n);
    else {
      const lines = t.split('\n');
      if (o.kind === 'dupLine') lines.splice(o.line % lines.length, 0, lines[o.line % lines.length]);
      else [lines[o.a % lines.length], lines[o.b % lines.length]] = [lines[o.b % lines.length], lines[o.a % lines.length]];
      t = lines.join('\n');
    }
  }
  return t;
}

function inside(r: Range, idx: LineIndex): boolean {
  const s = idx.offsetAt(r.start);
  const e = idx.offsetAt(r.end);
  return r.start.line >= 0 && r.start.line < idx.lineCount && r.end.line < idx.lineCount && s <= e && idx.positionAt(s).character === r.start.character;
}

test('mutated corpus Compose files: no throw, sound ranges, fixes apply', () => {
  fc.assert(
    fc.property(fc.nat({ max: files.length - 1 }), fc.array(op, { minLength: 1, maxLength: 6 }), fc.nat(), (fi, ops, where) => {
      const text = mutate(files[fi], ops);
      const logs: string[] = [];
      const findings = analyzeCompose(text, { files: { path: '/corpus/compose.yaml', dotenv: null, paths: {}, dockerfiles: {} }, log: (m) => logs.push(m) });
      assert.deepEqual(logs, []);
      const idx = new LineIndex(text);
      for (const f of findings) {
        assert.ok(inside(f.range, idx), `${f.rule} range ${JSON.stringify(f.range)} outside the text`);
        for (const fix of f.fixes ?? []) {
          const sorted = fix.edits.map((e) => [idx.offsetAt(e.range.start), idx.offsetAt(e.range.end)]).sort((a, b) => a[0] - b[0]);
          for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i][0] >= sorted[i - 1][1], `${f.rule}: overlapping edits`);
          for (const e of fix.edits) assert.ok(inside(e.range, idx), `${f.rule}: edit outside the text`);
          applyEdits(text, fix.edits);
        }
      }
      const pos = idx.positionAt(where % (text.length + 1));
      composeCompletion(text, pos);
      composeHover(text, pos, 'A=1\n');
      composeSymbols(text);
    }),
    { numRuns: 5000 },
  );
});
