// Property test: mutated corpus Dockerfiles never make the analysis throw, log a rule failure
// or hang. 10,000 cases; the time bound is a hang detector, not a speed check (see bench/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { corpusFiles } from '../corpus-files';

const files = corpusFiles('dockerfile').map((f) => f.text);

// Fragments that stress the parsers: continuations, heredocs, quoting, JSON, flags, pragmas.
const tokens = [
  '\\\n', '\\', '\n', '<<EOF\n', '<<-"EOF"\n', 'EOF\n', '"', "'", '`', '$(', '${', '}', ')', '[', ']', '["a", "b"]', '&&', '||', '|', ';',
  'FROM ', 'FROM --platform=$BUILDPLATFORM ', 'AS build\n', 'COPY --from=', 'RUN ', 'RUN --mount=type=cache,target=/root ', 'ARG X=${Y:-z}\n',
  'ENV A=1 B="2"\n', 'CMD ', 'ENTRYPOINT ', 'USER ', 'WORKDIR ', 'HEALTHCHECK ', 'ONBUILD ', '# hadolint ignore=DL3008\n', '# pier-ignore all\n',
  '# escape=`\n', '# syntax=docker/dockerfile:1\n', '\u0000', '\uFFFD', '\uD800', 'é', '\t', '\r\n', ' '.repeat(50), 'apt-get install -y', 'curl -k https://x | sh',
];

const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 20 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, ops: Array<{ op: string; at: number; text?: string; len?: number }>): string {
  let t = text;
  for (const m of ops) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    if (m.op === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.op === 'delete') t = t.slice(0, at) + t.slice(at + m.len!);
    else if (m.op === 'duplicate') t = t.slice(0, at) + t.slice(at, at + m.len!) + t.slice(at);
    else t = t.slice(0, at);
  }
  return t;
}

test('mutated corpus Dockerfiles: no exception, no rule failure, no hang (10,000 cases)', () => {
  let worst = 0;
  fc.assert(
    fc.property(fc.nat({ max: files.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, ops) => {
      const text = mutate(files[i], ops);
      const logs: string[] = [];
      const t0 = performance.now();
      const findings = analyzeDockerfile(text, { log: (m) => logs.push(m), files: { dockerignore: null } });
      const ms = performance.now() - t0;
      worst = Math.max(worst, ms);
      assert.deepEqual(logs, [], 'a rule failed');
      assert.ok(Array.isArray(findings));
      for (const f of findings) {
        assert.ok(f.range.start.line >= 0 && f.range.end.line >= f.range.start.line, `bad range from ${f.rule}`);
      }
      assert.ok(ms < 2000, `analysis took ${ms.toFixed(0)} ms: a hang`);
    }),
    { numRuns: 10_000, seed: 20261126 },
  );
  process.stderr.write(`dockerfile fuzz: slowest case ${worst.toFixed(1)} ms\n`);
});

test('degenerate inputs', () => {
  const inputs = ['', '\\', '\\\n\\\n', 'RUN <<EOF\nunterminated', '\u0000'.repeat(1000), 'FROM\nFROM\nFROM', 'RUN ' + 'x'.repeat(200_000), '\uFFFD\uD800\uDFFF FROM x', 'FROM a AS b\nCOPY --from= x y\n'];
  for (const text of inputs) {
    const logs: string[] = [];
    analyzeDockerfile(text, { log: (m) => logs.push(m) });
    assert.deepEqual(logs, [], JSON.stringify(text.slice(0, 40)));
  }
});
