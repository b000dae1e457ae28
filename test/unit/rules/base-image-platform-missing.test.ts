import { ruleTable } from '../../rule-tester';

const files = {
  imagePlatforms: {
    'docker.io/library/alpine:3.20': ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'],
    'docker.io/library/amd64only:1': ['linux/amd64'],
    'registry.example.com/team/app:2': ['linux/amd64', 'linux/arm64'],
  },
};

ruleTable('base-image-platform-missing', {
  valid: [
    // Published for the default target (linux/arm64; the index says linux/arm64/v8).
    { code: 'FROM alpine:3.20\n', files },
    { code: 'FROM alpine:3.20\n', files, settings: { targetPlatforms: ['linux/arm/v7', 'linux/arm64'] } },
    // Nothing known about the tag: say nothing.
    { code: 'FROM debian:12-slim\n', files },
    'FROM amd64only:1\n',
    // The build machine's platform is not the device's.
    { code: 'FROM --platform=$BUILDPLATFORM amd64only:1 AS build\nFROM alpine:3.20\n', files },
    // An explicit platform that is published.
    { code: 'FROM --platform=linux/amd64 amd64only:1\n', files },
    // Stage references and scratch are not pulled.
    { code: 'FROM alpine:3.20 AS base\nFROM base\nFROM scratch\n', files },
    { code: 'FROM registry.example.com/team/app:2\n', files },
  ],
  invalid: [
    { code: 'FROM amd64only:1\n', files, findings: [{ line: 0, message: /not published for linux\/arm64 \(only linux\/amd64\)/ }] },
    { code: 'FROM amd64only:1\n', files, findings: [[0, 5, 0, 16]] },
    // Every target platform is checked.
    { code: 'FROM registry.example.com/team/app:2\n', files, settings: { targetPlatforms: ['linux/arm64', 'linux/arm/v7'] }, findings: [{ line: 0, message: /linux\/arm\/v7/ }] },
    // An explicit --platform wins over the targets.
    { code: 'FROM --platform=linux/arm/v6 alpine:3.20\n', files, findings: [{ line: 0, message: /linux\/arm\/v6/ }] },
    // Builder stages pull for the target too (and run emulated).
    { code: 'FROM amd64only:1 AS build\nFROM alpine:3.20\nCOPY --from=build /x /x\n', files, findings: [0] },
    // ARG-resolved references.
    { code: 'ARG BASE=amd64only:1\nFROM ${BASE}\n', files, findings: [1] },
  ],
});
