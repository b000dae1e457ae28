import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../../server/src/analysis/dockerfile/analyze';
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

// That the validator, run on the analysis context's parse, says exactly what it says on the text
// is tested in test/unit/syntax-validation.test.ts.
