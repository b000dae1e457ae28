import { ruleTable } from '../../rule-tester';

ruleTable('toolchain-in-final-stage', {
  valid: [
    // The official images' way: install, build and purge in one RUN.
    'FROM debian:12-slim\nRUN set -eux; \\\n\tsavedAptMark="$(apt-mark showmanual)"; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends gcc libc6-dev make libssl-dev; \\\n\tmake -C /usr/src/redis install; \\\n\tapt-mark auto \'.*\' > /dev/null; \\\n\t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \\\n\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\\n\trm -rf /var/lib/apt/lists/*\nCMD ["redis-server"]\n',
    'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \\\n    && pip install --no-cache-dir cffi \\\n    && apk del --no-network .build-deps\nCMD ["python3"]\n',
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \\\n    && make && apt-get purge -y gcc libc6-dev && rm -rf /var/lib/apt/lists/*\nCMD ["app"]\n',
    'FROM fedora:40\nRUN dnf install -y gcc && make && dnf remove -y gcc && dnf clean all\nCMD ["app"]\n',
    // Builder stages are where compilers belong.
    'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y build-essential\nCOPY . .\nRUN make\nFROM debian:12-slim\nCOPY --from=build /src/app /app\nCMD ["/app"]\n',
    // make alone, or runtime libraries, are not a toolchain.
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends make libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY . /app\nCMD ["make", "run"]\n',
    // golang's image: the toolchain is the product (no CMD, nothing from the context).
    'FROM buildpack-deps:bookworm-scm\nRUN apt-get update && apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config && rm -rf /var/lib/apt/lists/*\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\n',
    // The base already is a toolchain (python:3.12 is built on buildpack-deps).
    'FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev && rm -rf /var/lib/apt/lists/*\nCMD ["python3"]\n',
    'FROM debian:12-slim\nRUN apt-get install -s gcc\nCMD ["sh"]\n',
    'FROM alpine:3.20\nRUN apk add --no-cache $(cat /deps.txt)\nCMD ["sh"]\n',
  ],
  invalid: [
    {
      code: 'FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev libffi-dev\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\nCMD ["python3", "/app/app.py"]\n',
      findings: [{ line: 1, message: /^gcc, musl-dev, libffi-dev stay in the final image.*apk del \.build-deps/ }],
    },
    {
      // The range is the first toolchain package; make counts once a compiler is there.
      code: 'FROM debian:12-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        ca-certificates \\\n        build-essential \\\n        make \\\n    && rm -rf /var/lib/apt/lists/*\nCMD ["node"]\n',
      findings: [[4, 8, 4, 23]],
    },
    {
      // Purging other packages, or the group of another add, does not remove these.
      code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .fetch curl && apk add --no-cache g++ && apk del .fetch\nCMD ["app"]\n',
      findings: [{ line: 1, message: /^g\+\+ stays/ }],
    },
    {
      // The stage the final one builds on ships too; ENV-resolved package lists are read.
      code: 'FROM debian:12-slim AS base\nENV BUILD_DEPS="gcc-12 libssl-dev"\nRUN apt-get update && apt-get install -y --no-install-recommends $BUILD_DEPS=12.2.0 && rm -rf /var/lib/apt/lists/*\nFROM base\nCMD ["app"]\n',
      findings: [{ line: 2, message: /gcc-12, libssl-dev stay/ }],
    },
    {
      // Removed in a later RUN: the bytes are still in the earlier layer.
      code: 'FROM fedora:40\nRUN sudo dnf install -y golang\nRUN dnf remove -y golang\nENTRYPOINT ["/app"]\n',
      findings: [1],
    },
    {
      code: 'FROM opensuse/leap:15.6\nRUN zypper -n in -t pattern devel_basis && zypper -n in gcc-c++ rust cargo\nCMD ["app"]\n',
      findings: [{ line: 1, message: /^gcc-c\+\+, rust, cargo stay/ }],
    },
    {
      code: 'FROM debian:12-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends clang-16 openjdk-17-jdk-headless\nEOF\nCMD ["app"]\n',
      findings: [[3, 43, 3, 51]],
    },
  ],
});
