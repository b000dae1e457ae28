import { ruleTable } from '../../rule-tester';

ruleTable('user-root-final', {
  valid: [
    // A non-root user at the end.
    'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    // Root for the build, then a numeric user.
    'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 1000:1000\nCMD ["/app"]\n',
    // The user comes from an ARG.
    'FROM alpine:3.20\nARG APP_USER=app\nUSER ${APP_USER}\nCMD ["/app"]\n',
    // Unknown user (ARG without default): not a finding.
    'FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER\nCMD ["/app"]\n',
    // The final stage inherits USER from the stage it builds on.
    'FROM alpine:3.20 AS base\nUSER 65534\nFROM base AS final\nCMD ["/app"]\n',
    // Base images: no command of their own (golang), a bare interpreter (python), ONBUILD triggers.
    'FROM buildpack-deps:trixie-scm\nENV GOLANG_VERSION=1.26.0\nRUN set -eux; echo build\nENV GOPATH=/go\nWORKDIR $GOPATH\n',
    'FROM buildpack-deps:trixie\nRUN set -eux; ./configure && make install\nCMD ["python3"]\n',
    'FROM node:0.10.35\nRUN mkdir -p /usr/src/app\nONBUILD COPY . /usr/src/app\nCMD [ "npm", "start" ]\n',
    'FROM node:20\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD [ "node" ]\n',
    // Entrypoints that step down from root (postgres, redis): gosu installed, or named in the command.
    'FROM debian:bookworm-slim\nRUN groupadd -r redis && useradd -r -g redis redis\nRUN set -eux; \\\n  wget -O /usr/local/bin/gosu "$url"; \\\n  chmod +x /usr/local/bin/gosu; \\\n  gosu nobody true\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n',
    'FROM alpine:3.20\nRUN apk add --no-cache \'su-exec>=0.2\'\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["postgres"]\n',
    'FROM alpine:3.20\nCOPY --from=tianon/gosu:1.17 /gosu /usr/local/bin/\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["app"]\n',
    'FROM alpine:3.20\nUSER root\nCMD ["su-exec", "app", "/app"]\n',
    'FROM debian:12\nCMD setpriv --reuid=1000 --regid=1000 --clear-groups /app\n',
    // A daemon that drops to its own system account (nginx).
    'FROM debian:bookworm-slim\nRUN groupadd --system --gid 101 nginx \\\n    && useradd --system --gid nginx --no-create-home --shell /bin/false --uid 101 nginx\nENTRYPOINT ["/docker-entrypoint.sh"]\nSTOPSIGNAL SIGQUIT\nCMD ["nginx", "-g", "daemon off;"]\n',
    'FROM alpine:3.21\nRUN addgroup -g 101 -S nginx && adduser -S -D -H -u 101 -G nginx nginx\nCMD ["nginx", "-g", "daemon off;"]\n',
    'FROM python:3.12-alpine\nENTRYPOINT ["python3"]\n',
    // s6-overlay's /init runs each service as its own user.
    'FROM alpine:3.20\nCOPY rootfs/ /\nENTRYPOINT ["/init"]\n',
    // Servers whose workers drop to their own user (nginx, apache via php:apache).
    'FROM node:20 AS build\nRUN npm run build\nFROM nginx:alpine\nCOPY --from=build /app/build /usr/share/nginx/html\nENTRYPOINT ["nginx", "-g", "daemon off;"]\n',
    'FROM php:8.3-apache\nCOPY src/ /var/www/html/\nCMD ["apache2-foreground"]\n',
    // Bases published to run as non-root.
    'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["/app"]\n',
    'FROM nginxinc/nginx-unprivileged:1.27\nCOPY site /usr/share/nginx/html\nCMD ["nginx", "-g", "daemon off;"]\n',
    // `# hadolint ignore=DL3002` suppresses the explicit case.
    'FROM alpine:3.20\n# hadolint ignore=DL3002\nUSER root\nCMD ["/app"]\n',
  ],
  invalid: [
    {
      // Explicit root at the end: the USER is rewritten.
      code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER root\nCMD ["/app"]\n',
      findings: [{ line: 2, message: /last USER .* root/, severity: 'warning' }],
      output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER nobody\nCMD ["/app"]\n',
    },
    {
      // `0:0` is root; a RUN after it needs root, so the fix adds a USER before CMD.
      code: 'FROM debian:12\nUSER 0:0\nRUN apt-get update && apt-get install -y curl\nCMD ["/app"]\n',
      findings: [[1, 5, 1, 8]],
      output: 'FROM debian:12\nUSER 0:0\nRUN apt-get update && apt-get install -y curl\nUSER nobody\nCMD ["/app"]\n',
    },
    {
      // No USER in an app image on an official base: the user the Dockerfile created is used.
      code: 'FROM python:3.12-slim\nRUN useradd -m app\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD ["python", "app.py"]\n',
      findings: [{ line: 5, message: /No USER/, severity: 'warning' }],
      output: 'FROM python:3.12-slim\nRUN useradd -m app\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nUSER app\nCMD ["python", "app.py"]\n',
    },
    {
      // Multi-stage onto scratch: a numeric user, since scratch has no passwd file.
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      findings: [[4, 0, 4, 10]],
      output: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    },
    {
      // Distroless without :nonroot runs as root.
      code: 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT ["/app"]\n',
      findings: [2],
      output: 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    },
    {
      // An unknown base may set its own user: a softer finding. CMD last with a RUN after it: append.
      code: 'FROM myorg/runtime:1.2\nCMD ["/srv/app"]\nRUN echo built\n',
      findings: [{ line: 1, severity: 'info', message: /unless that image/ }],
      output: 'FROM myorg/runtime:1.2\nCMD ["/srv/app"]\nRUN echo built\nUSER nobody\n',
    },
    {
      // Root set in a parent stage reaches the final stage; the fix goes into the final stage.
      code: 'FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN apk add --no-cache tzdata\nCMD ["/app"]\n',
      findings: [1],
      output: 'FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN apk add --no-cache tzdata\nUSER nobody\nCMD ["/app"]\n',
    },
    {
      // The image base comes from an ARG; root via `root:root`; shell-form CMD over continued lines.
      code: 'ARG BASE=alpine:3.20\nFROM ${BASE}\nUSER root:root\nCMD /app \\\n  --port 80\n',
      findings: [[2, 5, 2, 14]],
      output: 'ARG BASE=alpine:3.20\nFROM ${BASE}\nUSER nobody\nCMD /app \\\n  --port 80\n',
    },
    {
      // A builder stage with USER app does not help the final stage.
      code: 'FROM node:20 AS build\nUSER node\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\nCMD ["node", "/app/server.js"]\n',
      findings: [5],
      output: 'FROM node:20 AS build\nUSER node\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\nUSER node\nCMD ["node", "/app/server.js"]\n',
    },
    {
      // ENTRYPOINT python3 + CMD app.py runs an app; a system account with a login shell is for people,
      // so it is the user to switch to (awesome-compose's dev-envs stages).
      code: 'FROM python:3.10-alpine AS builder\nCOPY . /app\nENTRYPOINT ["python3"]\nCMD ["app.py"]\nFROM builder AS dev-envs\nRUN <<EOF\naddgroup -S docker\nadduser -S --shell /bin/bash --ingroup docker vscode\nEOF\n',
      findings: [[2, 0, 2, 10]],
      output: 'FROM python:3.10-alpine AS builder\nCOPY . /app\nENTRYPOINT ["python3"]\nCMD ["app.py"]\nFROM builder AS dev-envs\nRUN <<EOF\naddgroup -S docker\nadduser -S --shell /bin/bash --ingroup docker vscode\nEOF\nUSER vscode\n',
    },
    {
      // The official node image has a `node` account; tini as ENTRYPOINT passes on to CMD.
      code: 'FROM node:20-alpine\nRUN apk add --no-cache tini\nCOPY . .\nENTRYPOINT ["/sbin/tini", "--"]\nCMD ["node", "server.js"]\n',
      findings: [3],
      output: 'FROM node:20-alpine\nRUN apk add --no-cache tini\nCOPY . .\nUSER node\nENTRYPOINT ["/sbin/tini", "--"]\nCMD ["node", "server.js"]\n',
    },
    {
      // The --chown of the app's files names the user.
      code: 'FROM python:3.12-slim\nRUN pip install flask\nCOPY --chown=1001:1001 app /app\nCMD ["python", "/app/main.py"]\n',
      findings: [3],
      output: 'FROM python:3.12-slim\nRUN pip install flask\nCOPY --chown=1001:1001 app /app\nUSER 1001\nCMD ["python", "/app/main.py"]\n',
    },
    {
      // The user's configured severity wins over the softer one.
      code: 'FROM myorg/runtime:1.2\nCMD ["/srv/app"]\n',
      settings: { rules: { 'user-root-final': 'error' } },
      findings: [{ line: 1, severity: 'error' }],
    },
  ],
});
