import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../../server/src/analysis/dockerfile/analyze';
import fc from 'fast-check';
import { validate } from 'dockerfile-utils';
import { buildContext } from '../../../server/src/analysis/dockerfile/context';
import { withRunBodiesBlanked } from '../../../server/src/analysis/dockerfile/edge-helpers';
import { resolveSettings } from '../../../server/src/analysis/engine/types';
import { corpusFiles } from '../../corpus-files';
import { ruleTable } from '../../rule-tester';

ruleTable('dockerfile-syntax', {
  valid: [
    'FROM alpine:3.20\nRUN echo hi\n',
    // Modern syntax BuildKit accepts: heredocs, mounts, newer COPY/ADD flags.
    '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nCOPY <<EOF /etc/motd\nhello\nEOF\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk --network=none apk add curl\n',
    'FROM alpine:3.20\nCOPY --link --parents --exclude=*.md a/ b/ /dst/\nADD --unpack=true --checksum=sha256:abc x.tgz /y/\n',
    // Owned by other rules: no duplicate finding here.
    'FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\nWORKDIR app\nCMD ["x"]\nCMD ["y"]\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n',
    // `--from=$VAR` is substituted by the builder.
    'FROM alpine:3.20 AS build\nFROM alpine:3.20\nARG STAGE=build\nCOPY --from=$STAGE /a /a\n',
    // Lower-case instructions are style, not syntax.
    'from alpine:3.20\nrun echo hi\n',
    // BuildKit accepts --retries=0 and an interval of 0 (meaning the defaults).
    'FROM alpine:3.20\nHEALTHCHECK --retries=0 --interval=0 CMD true\n',
    'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["--serve"]\n',
    'ARG BASE=alpine:3.20\nFROM ${BASE}\n',
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUNN echo hi\n', findings: [{ line: 1, message: /Unknown instruction: RUNN/, severity: 'error' }] },
    { code: 'FROM alpine:3.20\nCOPY app.py\n', findings: [{ line: 1, message: /COPY requires at least two arguments/, severity: 'error' }] },
    { code: 'FROM alpine:3.20\nCOPY --form=build /a /a\n', findings: [[1, 5, 1, 11]] },
    { code: 'FROM alpine:3.20\nHEALTHCHECK --interval=5 CMD true\n', findings: [{ line: 1, message: /missing unit/, severity: 'error' }] },
    { code: '# escape=x\nFROM alpine:3.20\n', findings: [[0, 9, 0, 10]] },
    { code: 'FROM alpine:3.20 AS 1st\n', findings: [{ line: 0, message: /invalid name for build stage/i }] },
    { code: 'FROM ${UNSET}\n', findings: [{ line: 0, message: /should not be blank/, severity: 'error' }] },
    { code: 'FROM alpine:3.20\nENV A=1 B\n', findings: [{ line: 1, message: /can't find =/ }] },
    { code: 'FROM alpine:3.20\nMAINTAINER me\n', findings: [{ line: 1, message: /deprecated/, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nCMD [\'app\']\n', findings: [{ line: 1, message: /single quotes/, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nENTRYPOINT\n', findings: [{ line: 1, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nHEALTHCHECK --retries=-1 CMD true\n', findings: [{ line: 1, severity: 'error' }] },
    { code: 'RUN echo hi\n', findings: [{ line: 0, message: /No source image/ }] },
    { code: 'FROM alpine:3.20\nRUN apk add \\\n\n    curl\n', findings: [{ line: 2, message: /Empty continuation line/, severity: 'warning' }] },
  ],
});

// dockerfile-ast overflows its stack on this shape (found by the fuzz test): no crash, no log.

test('dockerfile-syntax survives a validator crash', () => {
  const text = '##\n#\tnow="$(date)"; \\\n\tarch="$(dpkg --print-architecture)"; arch="${arch##*-}"; \\\n\turl=; \\\n';
  const logs: string[] = [];
  analyzeDockerfile(text, { log: (m) => logs.push(m) });
  assert.deepEqual(logs, []);
});

// The validator runs on the text with RUN words blanked; it must say exactly what it says on the
// original: on every corpus Dockerfile, and on mutated ones (continuations, heredocs, quotes, JSON).
const corpus = corpusFiles('dockerfile').map((f) => f.text);
const diagnosticsOf = (text: string) => JSON.stringify(validate(text));
const blanked = (text: string) => withRunBodiesBlanked(buildContext(text, resolveSettings({}), {}, () => {}));

test('blanking RUN words changes nothing dockerfile-utils reports (corpus)', () => {
  for (const text of corpus) assert.equal(diagnosticsOf(blanked(text)), diagnosticsOf(text));
});

test('blanking RUN words changes nothing dockerfile-utils reports (mutated corpus)', () => {
  const tokens = ['\\\n', '\\', '\n', '<<EOF\n', 'EOF\n', '"', "'", '`', '$(', '${', '}', '[', "['a']", '["a", "b"]', 'FROM ', 'RUN ', 'RUN --mount=type=cache,target=/root ', 'ONBUILD ', '# escape=`\n', ' \\\n\n', '#c\n', '\r\n', '\r', '\t'];
  const mutation = fc.oneof(
    fc.record({ at: fc.nat(), text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 10 })) }),
    fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 100 }) }),
  );
  fc.assert(
    fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, ops) => {
      let t = corpus[i];
      for (const m of ops) {
        const at = t.length ? m.at % (t.length + 1) : 0;
        t = 'text' in m ? t.slice(0, at) + m.text + t.slice(at) : t.slice(0, at) + t.slice(at + m.len);
      }
      let expected: string;
      try {
        expected = diagnosticsOf(t);
      } catch {
        return; // dockerfile-ast's own recursion bug: the rule skips these files
      }
      assert.equal(diagnosticsOf(blanked(t)), expected, JSON.stringify(t));
    }),
    { numRuns: 200, seed: 20261126 },
  );
});

test('blanking RUN words changes nothing dockerfile-utils reports (shapes the fuzzing found)', () => {
  const shapes = [
    // An escaped space before the continuation: dockerfile-ast ends the RUN there, BuildKit does not.
    'FROM alpine:3.20\nRUN apk add \\\n\t\tlz4-dev\\   \\\npostgresql" (matching Debian)\n',
    // A lone CR is a line break for dockerfile-ast.
    'FROM alpine:3.20\n# a\rcomment\nRUN set -eux; \\\n\tapk add curl\nVOLUME /data\n',
    // The keyword split by a continuation.
    'FROM node:20\nR\\\nUN npm ci\nRUN npm test\n',
    // A heredoc marker split by a continuation.
    'FROM alpine:3.20\nRUN <\\\n<EOF\napk update\nEOF\n',
  ];
  for (const text of shapes) assert.equal(diagnosticsOf(blanked(text)), diagnosticsOf(text), JSON.stringify(text));
});
