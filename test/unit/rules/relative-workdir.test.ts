import { ruleTable } from '../../rule-tester';

ruleTable('relative-workdir', {
  valid: [
    'FROM alpine:3.20\nWORKDIR /app\n',
    'FROM alpine:3.20\nWORKDIR "/srv/app"\n',
    // Unknown variables (set by the base image or the build) are not relative.
    'FROM alpine:3.20\nWORKDIR $HOME/app\n',
    'FROM golang:1.22\nWORKDIR $GOPATH\n',
    'FROM alpine:3.20\nARG APP_DIR=/opt/app\nWORKDIR ${APP_DIR}\n',
    'ARG ROOT=/srv\nFROM alpine:3.20\nARG ROOT\nWORKDIR ${ROOT}/app\n',
    // Windows images have their own paths.
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR app\n',
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nWORKDIR app\n', findings: [[1, 8, 1, 11]] },
    {
      // The working directory is known from an earlier absolute WORKDIR: the fix writes the full path.
      code: 'FROM alpine:3.20\nWORKDIR /srv\nRUN true\nWORKDIR app\n',
      findings: [3],
      output: 'FROM alpine:3.20\nWORKDIR /srv\nRUN true\nWORKDIR /srv/app\n',
    },
    {
      // The lineage through `FROM base` carries the directory.
      code: 'FROM alpine:3.20 AS base\nWORKDIR /opt\nFROM base AS app\nWORKDIR ./svc/../app\n',
      findings: [{ line: 3, message: /'\/opt' is/ }],
      output: 'FROM alpine:3.20 AS base\nWORKDIR /opt\nFROM base AS app\nWORKDIR /opt/app\n',
    },
    {
      code: 'FROM scratch\nWORKDIR data\n',
      findings: [1],
      output: 'FROM scratch\nWORKDIR /data\n',
    },
    {
      // An ARG that resolves to a relative path is relative; no fix rewrites the variable away.
      code: 'FROM alpine:3.20\nARG DIR=app\nWORKDIR /x\nWORKDIR ${DIR}\n',
      findings: [{ line: 3, message: /WORKDIR 'app' is relative/ }],
    },
    { code: 'FROM node:20\nWORKDIR "usr/src/app"\n', findings: [{ line: 1, message: /base image sets/ }] },
  ],
});
