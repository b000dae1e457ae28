import { ruleTable } from '../../rule-tester';

ruleTable('no-healthcheck', {
  valid: [
    'FROM python:3.12-slim\nCOPY . /app\nHEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen(\'http://localhost:8000/health\')"\nCMD ["python", "/app/main.py"]\n',
    // HEALTHCHECK NONE is an explicit choice.
    'FROM python:3.12-slim\nCOPY . /app\nHEALTHCHECK NONE\nCMD ["python", "/app/main.py"]\n',
    // Inherited from a stage of this file.
    'FROM node:20-slim AS base\nHEALTHCHECK CMD node /app/health.js\nFROM base\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
    // Official-image shapes: base images that copy only entrypoint scripts.
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y postgresql\nCOPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nEXPOSE 5432\nCMD ["postgres"]\n',
    'FROM debian:12-slim\nCOPY docker-entrypoint.sh /\nCOPY 10-listen-on-ipv6-by-default.sh 15-local-resolvers.envsh /docker-entrypoint.d/\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["nginx", "-g", "daemon off;"]\n',
    // A toolchain image: copies from a build stage but runs nothing.
    'FROM debian:12 AS build\nRUN curl -o /go.tgz https://example.com/go.tgz\nFROM debian:12\nCOPY --from=build /target/ /\n',
    // Builder stages do not matter, only the final image.
    'FROM golang:1.22 AS build\nCOPY . .\nCMD ["go", "run", "."]\nFROM alpine:3.20\nRUN apk add --no-cache curl\n',
    // Files from another image are not this project's app.
    'FROM alpine:3.20\nCOPY --from=docker:27-cli /usr/local/bin/docker /usr/local/bin/\nCMD ["docker", "version"]\n',
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY . C:/app\nCMD ["C:/app/app.exe"]\n',
  ],
  invalid: [
    {
      code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      findings: [{ line: 4, severity: 'info', message: /no HEALTHCHECK/ }],
    },
    {
      code: 'FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n',
      findings: [[4, 0, 4, 10]],
    },
    {
      // ARG-resolved stage name and base image.
      code: 'ARG BASE=golang:1.22\nARG STAGE=build\nFROM ${BASE} AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=${STAGE} /app /app\nCMD ["/app"]\n',
      findings: [6],
    },
    {
      // No CMD, but a port: a service.
      code: 'FROM nginx:1.27-alpine\nCOPY ./dist /usr/share/nginx/html\nEXPOSE 80\n',
      findings: [{ line: 0 }],
    },
    {
      // A HEALTHCHECK in a builder stage does not reach the final image.
      code: 'FROM python:3.12 AS build\nHEALTHCHECK CMD true\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\nCOPY app.py /app/\nCMD python /app/app.py\n',
      findings: [6],
    },
    {
      code: 'FROM eclipse-temurin:21-jre\nCOPY ["target/app.jar", "/app.jar"]\nENTRYPOINT ["java", "-jar", "/app.jar"]\n',
      findings: [2],
    },
  ],
});
