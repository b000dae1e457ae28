import { ruleTable } from '../../rule-tester';

ruleTable('sdk-final-stage', {
  valid: [
    // The multi-stage build it asks for.
    'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n',
    // An SDK image that builds nothing in place (a dev or tool image).
    'FROM golang:1.22\nRUN go version\nCMD ["go", "test", "./..."]\n',
    'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/server.js"]\n',
    'FROM python:3.12-alpine\nRUN pip install --no-cache-dir flask\n',
    'FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n',
    'FROM buildpack-deps:bookworm-curl\nRUN go build ./...\n',
    // The official golang image is itself the SDK; it builds nothing of its own.
    'FROM buildpack-deps:bookworm-scm AS build\nRUN tar -C /usr/local -xzf go.tgz\nFROM buildpack-deps:bookworm-scm\nCOPY --from=build /target/ /\n',
  ],
  invalid: [
    {
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nCMD ["app"]\n',
      findings: [{ line: 0, message: /golang:1\.22, a full Go SDK.*\(go build\).*scratch/ }],
    },
    {
      // Resolved through ARG; the build is in the stage the final one builds on.
      code: 'ARG GO=1.22\nFROM golang:${GO}-alpine AS base\nRUN go install ./cmd/app\nFROM base\nCMD ["app"]\n',
      findings: [[1, 5, 1, 24]],
    },
    { code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build:prod\nCMD ["node", "dist/server.js"]\n', findings: [0] },
    { code: 'FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN ./mvnw -B package -DskipTests\nCMD ["java", "-jar", "target/app.jar"]\n', findings: [0] },
    { code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT ["dotnet", "/app/app.dll"]\n', findings: [{ line: 0, message: /dotnet\/runtime/ }] },
    { code: 'FROM rust:1.79-slim\nCOPY . .\nRUN sudo cargo build --release\nCMD ["./target/release/app"]\n', findings: [0] },
    { code: 'FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew bootJar\n', findings: [0] },
  ],
});
