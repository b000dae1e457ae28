import { ruleTable } from '../../rule-tester';

const settings = { trustedRegistries: ['docker.io', 'ghcr.io/acme', '*.internal.example'] };

ruleTable('untrusted-registry', {
  valid: [
    // No list: the rule is off.
    'FROM quay.io/prometheus/node-exporter:v1.8.0\n',
    { code: 'FROM alpine:3.20\nFROM library/node:20\nFROM docker.io/bitnami/redis:7.2\nFROM index.docker.io/library/debian:12\n', settings },
    { code: 'FROM ghcr.io/acme/base:1\nFROM registry.internal.example/app:2\nFROM eu.registry.internal.example:5000/tools/x:1\n', settings },
    // Stage references (also through ARG), scratch, unknown ARG.
    { code: 'FROM golang:1.22 AS build\nFROM build\nFROM scratch\nARG IMG\nFROM $IMG\n', settings },
    { code: 'ARG STAGE=build\nFROM alpine:3.20 AS build\nFROM ${STAGE}\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\n', settings },
    // A path entry trusts only what is under it: `docker.io/library` is the Docker Official Images.
    { code: 'FROM nginx:1.27\n', settings: { trustedRegistries: ['docker.io/library'] } },
    { code: 'FROM quay.io/x/y:1\n# hadolint ignore=DL3026\nFROM quay.io/x/z:1\n', settings: { trustedRegistries: ['quay.io/x/y'] } },
  ],
  invalid: [
    { code: 'FROM quay.io/prometheus/busybox:latest\n', settings, findings: [[0, 5, 0, 38]] },
    // ghcr.io is trusted only under /acme.
    { code: 'FROM ghcr.io/other/app:1\n', settings, findings: [{ line: 0, message: /ghcr\.io, which is not in/ }] },
    // Through a global ARG, with --platform, in a builder stage.
    { code: 'ARG BASE=public.ecr.aws/docker/library/golang:1.22\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nFROM alpine:3.20\n', settings, findings: [1] },
    // Docker Hub not trusted.
    { code: 'FROM bitnami/redis:7.2\n', settings: { trustedRegistries: ['registry.internal.example'] }, findings: [0] },
    { code: 'FROM nginx:1.27\nFROM docker.io/someone/nginx:1\n', settings: { trustedRegistries: ['docker.io/library'] }, findings: [1] },
    // Images pulled by COPY --from and RUN --mount.
    {
      code: 'FROM alpine:3.20\nCOPY --from=quay.io/coreos/etcd:v3.5 /usr/local/bin/etcd /bin/\nRUN --mount=type=bind,from=gcr.io/tools/x:1,source=/x,target=/x cp /x /y\n',
      settings,
      findings: [[1, 12, 1, 36], 2],
    },
  ],
});
