import { ruleTable } from '../../rule-tester';

ruleTable('image-untagged', {
  valid: [
    'FROM alpine:3.20\n',
    'FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    'FROM scratch\nCOPY app /app\n',
    // Stage references, by name and through an ARG.
    'FROM golang:1.22 AS build\nRUN go build\nFROM build\n',
    'ARG STAGE=build\nFROM golang:1.22 AS build\nFROM ${STAGE} AS final\n',
    // An ARG without a default is unknown, not untagged.
    'ARG BASE\nFROM $BASE\n',
    'ARG TAG\nFROM alpine:${TAG}\n',
    // ARG with a tagged default, and a default through ${X:-...}.
    'ARG BASE=alpine:3.20\nFROM ${BASE}\n',
    'ARG V\nFROM alpine:${V:-3.20}\n',
    'FROM localhost:5000/app:1.0\n',
    'FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\n',
    // `# hadolint ignore=DL3006`.
    '# hadolint ignore=DL3006\nFROM alpine\n',
  ],
  invalid: [
    { code: 'FROM alpine\nRUN echo hi\n', findings: [[0, 5, 0, 11]] },
    // The tag another stage uses is offered as a fix.
    {
      code: 'FROM node:20-alpine AS build\nRUN npm ci\nFROM node\nCOPY --from=build /app /app\n',
      findings: [[2, 5, 2, 9]],
      output: 'FROM node:20-alpine AS build\nRUN npm ci\nFROM node:20-alpine\nCOPY --from=build /app /app\n',
    },
    // Resolved through an ARG: reported on the variable, no fix (the tag belongs in the ARG).
    { code: 'ARG BASE=debian\nFROM ${BASE} AS base\nFROM debian:12\n', findings: [{ line: 1, message: /debian \(from \$\{BASE\}\)/ }] },
    // Registry with a port, organisation path, and --platform.
    { code: 'FROM --platform=linux/arm64 localhost:5000/team/app AS x\n', findings: [[0, 28, 0, 51]] },
    // Several stages; a builder stage counts too.
    { code: 'FROM golang AS build\nFROM gcr.io/distroless/static\n', findings: [0, 1] },
  ],
});
