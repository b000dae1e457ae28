import { ruleTable } from '../../rule-tester';

ruleTable('image-latest', {
  valid: [
    'FROM alpine:3.20\n',
    // A digest pins the image whatever the tag.
    'FROM alpine:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    // Untagged is image-untagged's business.
    'FROM alpine\n',
    'ARG TAG\nFROM alpine:$TAG\n',
    'FROM scratch\n',
    'FROM golang:1.22 AS latest\nFROM latest\n',
    // Tags are case-sensitive: `LATEST` is some other tag.
    'FROM myorg/app:LATEST\n',
  ],
  invalid: [
    { code: 'FROM alpine:latest\n', findings: [[0, 12, 0, 18]] },
    // Another stage names the same image with a tag: the fix pins to it.
    {
      code: 'FROM python:3.12-slim AS build\nRUN pip wheel .\nFROM python:latest\nCOPY --from=build /w /w\n',
      findings: [[2, 12, 2, 18]],
      output: 'FROM python:3.12-slim AS build\nRUN pip wheel .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n',
    },
    // A registry with a port and an organisation.
    {
      code: 'FROM localhost:5000/team/app:1.4 AS a\nFROM localhost:5000/team/app:latest\n',
      findings: [[1, 29, 1, 35]],
      output: 'FROM localhost:5000/team/app:1.4 AS a\nFROM localhost:5000/team/app:1.4\n',
    },
    // Through an ARG: the whole image text is the range, and there is no fix.
    { code: 'ARG TAG=latest\nFROM node:${TAG}\nFROM node:20\n', findings: [[1, 5, 1, 16]] },
    { code: 'ARG IMG=redis:latest\nFROM $IMG AS cache\nFROM alpine:3.20\n', findings: [{ line: 1, message: /redis:latest \(from \$IMG\)/ }] },
  ],
});
