import { ruleTable } from '../../rule-tester';

ruleTable('tls-verification-disabled', {
  valid: [
    'FROM debian:12\nRUN curl -fsSL https://example.com/a -o /a && wget -q https://example.com/b\n',
    // A local file: repository of packages built in the same RUN (postgres, nginx).
    'FROM debian:12\nRUN tempDir="$(mktemp -d)"; echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list\n',
    // apk with packages the build made itself (nginx modules), and apk index.
    'FROM alpine:3.20\nRUN apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-geoip-1.27.0-r1.apk\n',
    'FROM alpine:3.20\nRUN apk index --allow-untrusted -o /tmp/APKINDEX.tar.gz /tmp/*.apk\n',
    // Settings that keep checks on.
    'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 NPM_CONFIG_STRICT_SSL=true\nRUN npm config set strict-ssl true\n',
    'FROM debian:12\nRUN git config --global http.sslVerify true && git -c http.sslVerify=true clone https://x/y.git\n',
    'FROM python:3.12\nENV PYTHONHTTPSVERIFY=1 CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt\n',
    // `-k` of another tool, and words that only mention the flag.
    'FROM debian:12\nRUN ssh-keygen -q -t ed25519 -N "" -f /k && echo "never use curl -k" > /dev/null\n',
    'FROM debian:12\nARG GIT_SSL_NO_VERIFY\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN curl -fsSLk https://example.com/x -o /x\n', findings: [[1, 9, 1, 15]] },
    { code: 'FROM debian:12\nRUN sudo curl --insecure -o /x https://example.com/x && wget --no-check-certificate https://example.com/y\n', findings: [1, 1] },
    // apt: flags, -o, and config written by echo.
    { code: 'FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --allow-unauthenticated curl\n', findings: [{ line: 2, message: /signature/ }] },
    { code: 'FROM debian:12\nRUN apt-get -o Acquire::https::Verify-Peer=false update\n', findings: [1] },
    { code: 'FROM debian:12\nRUN echo \'Acquire::https::Verify-Peer "false";\' > /etc/apt/apt.conf.d/99insecure\n', findings: [1] },
    { code: 'FROM debian:12\nRUN echo "deb [trusted=yes] http://repo.example.com/debian stable main" > /etc/apt/sources.list.d/x.list\n', findings: [{ line: 1, message: /trusted=yes/ }] },
    // apk from the network, pip, npm/yarn, git, composer.
    { code: 'FROM alpine:3.20\nRUN apk add --allow-untrusted --no-cache curl\n', findings: [[1, 12, 1, 29]] },
    { code: 'FROM python:3.12\nRUN pip install --trusted-host pypi.example.com -r req.txt && python3 -m pip config set global.trusted-host pypi.example.com\n', findings: [1, 1] },
    { code: 'FROM node:20\nRUN npm config set strict-ssl false && yarn config set enableStrictSsl false && npm --strict-ssl=false ci\n', findings: [1, 1, 1] },
    { code: 'FROM debian:12\nRUN git -c http.sslVerify=false clone https://x/y.git && git config --global http.sslverify false\n', findings: [1, 1] },
    { code: 'FROM composer:2\nRUN composer config -g disable-tls true\n', findings: [1] },
    // Environment variables in ENV, ARG, RUN exports and env wrappers, heredocs.
    {
      code: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nARG GIT_SSL_NO_VERIFY=1\nENV PYTHONHTTPSVERIFY 0\nENV CURL_CA_BUNDLE=""\nENV PIP_TRUSTED_HOST=pypi.internal\n',
      findings: [1, 2, 3, 4, 5],
    },
    { code: 'FROM node:20\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && env GIT_SSL_NO_VERIFY=true git clone https://x/y.git\n', findings: [1, 1] },
    { code: 'FROM node:20\nRUN <<EOF\nNODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\nEOF\n', findings: [[2, 0, 2, 30]] },
    // A builder stage counts.
    { code: 'FROM golang:1.22 AS build\nENV GOINSECURE=git.internal\nFROM scratch\n', findings: [1] },
  ],
});
