import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../server/src/analysis/engine/edits';
import { findingsOf, ruleTable } from '../../rule-tester';

ruleTable('platform-hardcoded-x86', {
  valid: [
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    'FROM --platform=$TARGETPLATFORM alpine:3.20\n',
    'FROM --platform=${TARGETPLATFORM} alpine:3.20\n',
    'FROM --platform=linux/arm64 alpine:3.20\n',
    'FROM alpine:3.20\n',
    // Targets that are not ARM: nothing to say.
    { code: 'FROM --platform=linux/amd64 alpine:3.20\n', settings: { targetPlatforms: ['linux/amd64'] } },
    // An ARG that names an ARM platform.
    'ARG PLATFORM=linux/arm64\nFROM --platform=$PLATFORM alpine:3.20\n',
    // An ARG without a default: decided by the build command.
    'ARG PLATFORM\nFROM --platform=$PLATFORM alpine:3.20\n',
    // $BUILDPLATFORM in a final image that starts from scratch holds no binaries of its own.
    'FROM --platform=$BUILDPLATFORM scratch\nCOPY app /app\n',
    // Windows images never run on the device.
    'FROM --platform=windows/amd64 mcr.microsoft.com/windows/servercore:ltsc2022\n',
  ],
  invalid: [
    {
      code: 'FROM --platform=linux/amd64 node:20-slim\nCMD ["node", "server.js"]\n',
      findings: [{ line: 0, message: /pins the image to x86/ }],
      output: 'FROM node:20-slim\nCMD ["node", "server.js"]\n',
    },
    {
      code: 'FROM --platform=linux/amd64 golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
      findings: [[0, 16, 0, 27]],
      output: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    },
    {
      // Through an ARG default.
      code: 'ARG ARCH_PLATFORM=linux/x86_64\nFROM --platform=${ARCH_PLATFORM} debian:12-slim\n',
      findings: [{ line: 1, message: /--platform=\$\{ARCH_PLATFORM\} \(= linux\/x86_64\)/ }],
      output: 'ARG ARCH_PLATFORM=linux/x86_64\nFROM debian:12-slim\n',
    },
    { code: 'FROM --platform=386 alpine:3.20\n', findings: [0] },
    { code: 'FROM --platform=linux/amd64/v2 alpine:3.20\n', findings: [0], settings: { targetPlatforms: ['linux/amd64', 'linux/arm/v7'] } },
    {
      // The final image inherits $BUILDPLATFORM from the stage it is built on.
      code: 'FROM --platform=$BUILDPLATFORM python:3.12-alpine AS builder\nRUN pip install flask\nFROM builder AS dev\nCMD ["flask", "run"]\n',
      findings: [{ line: 0, message: /build machine's platform/ }],
      output: 'FROM python:3.12-alpine AS builder\nRUN pip install flask\nFROM builder AS dev\nCMD ["flask", "run"]\n',
    },
    {
      // Multi-line FROM.
      code: 'FROM \\\n  --platform=linux/amd64 \\\n  alpine:3.20\n',
      findings: [[1, 13, 1, 24]],
      output: 'FROM \\\n  alpine:3.20\n',
    },
  ],
});

// The second fix for builder stages: run on the build platform.
test('platform-hardcoded-x86 offers $BUILDPLATFORM for builder stages only', () => {
  const code = 'FROM --platform=linux/amd64 node:20 AS web\nRUN npm ci && npm run build\nFROM nginx:1.27\nCOPY --from=web /app/dist /usr/share/nginx/html\n';
  const [f] = findingsOf('platform-hardcoded-x86', code);
  assert.equal(f.fixes?.length, 2);
  assert.equal(applyEdits(code, f.fixes![1].edits), code.replace('linux/amd64', '$BUILDPLATFORM'));
  const [g] = findingsOf('platform-hardcoded-x86', 'FROM --platform=linux/amd64 nginx:1.27\n');
  assert.equal(g.fixes?.length, 1);
});
