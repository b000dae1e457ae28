import { ruleTable } from '../../rule-tester';

ruleTable('duplicate-stage-name', {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.20 AS run\nCOPY --from=build /app /app\n',
    'FROM alpine:3.20\nFROM alpine:3.20\n',
    'FROM alpine:3.20 AS base\nFROM base AS base-dev\n',
    // ARG-resolved base images do not create names: only `AS` does.
    'ARG BASE=golang:1.22\nFROM ${BASE} AS build\nFROM ${BASE} AS test\n',
  ],
  invalid: [
    {
      code: 'FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.20 AS build\n',
      findings: [[2, 20, 2, 25]],
    },
    {
      // Names are compared case-insensitively, as the builder does.
      code: 'FROM golang:1.22 AS Build\nFROM alpine:3.20 AS BUILD\n',
      findings: [{ line: 1, message: /already used on line 1/ }],
    },
    {
      code: 'FROM a:1 AS x\nFROM b:1 AS y\nFROM c:1 AS x\nFROM d:1 AS x\n',
      findings: [{ line: 2, severity: 'error' }, { line: 3, message: /line 1/ }],
    },
    {
      code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM \\\n  alpine:3.20 \\\n  AS build\n',
      findings: [[3, 5, 3, 10]],
    },
  ],
});
