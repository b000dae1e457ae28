import { ruleTable } from '../../rule-tester';

ruleTable('emulated-compile', {
  valid: [
    // Already cross-compiling on the build platform.
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    // Inherited through FROM <stage>.
    'FROM --platform=$BUILDPLATFORM rust:1.79 AS base\nRUN rustup target add aarch64-unknown-linux-gnu\nFROM base AS build\nRUN cargo build --release --target aarch64-unknown-linux-gnu\nFROM debian:12-slim\nCOPY --from=build /t /t\n',
    // Single-stage files are out of scope (the official images build from source in one stage).
    'FROM debian:12\nRUN make -j"$(nproc)" && make install\n',
    // The final stage itself compiles: its output is the image, not a copy.
    'FROM alpine:3.20 AS tools\nRUN apk add curl\nFROM golang:1.22\nCOPY --from=tools /usr/bin/curl /usr/bin/\nRUN go build -o /app .\n',
    // A builder stage whose output is not copied anywhere.
    'FROM golang:1.22 AS test\nRUN go build ./...\nFROM alpine:3.20\n',
    // Stages that do not compile.
    'FROM node:20 AS web\nRUN npm ci && npm run build\nFROM nginx:1.27\nCOPY --from=web /app/dist /usr/share/nginx/html\n',
    'FROM golang:1.22 AS deps\nRUN go mod download\nFROM alpine:3.20\nCOPY --from=deps /go/pkg /go/pkg\n',
    // Targets that are not ARM.
    { code: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n', settings: { targetPlatforms: ['linux/amd64'] } },
  ],
  invalid: [
    {
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
      findings: [{ line: 0, message: /GOOS=\$TARGETOS GOARCH=\$TARGETARCH/, severity: 'info' }],
    },
    {
      // ARG-resolved base and stage reference.
      code: 'ARG BASE=golang:1.22\nFROM ${BASE} AS build\nRUN sudo go install ./cmd/app\nFROM alpine:3.20\nARG STAGE=build\nCOPY --from=${STAGE} /go/bin/app /app\n',
      findings: [[1, 5, 1, 12]],
    },
    {
      code: 'FROM rust:1.79 AS build\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=build /src/target/release/app /app\n',
      findings: [{ line: 0, message: /cargo build --target/ }],
    },
    {
      code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y build-essential \\\n && ./configure \\\n && make -j4\nFROM debian:12-slim\nCOPY --from=build /usr/local /usr/local\n',
      findings: [{ line: 0, message: /make -j4, line 4/ }],
    },
    {
      // Reported once, on the FROM the compiling stages are built on (awesome-compose react-rust-postgres shape).
      code: 'FROM rust:1.79 AS base\nRUN cargo fetch\nFROM base AS dev\nCMD ["cargo", "run"]\nFROM base AS builder\nRUN cargo build --release\nFROM base AS builder2\nRUN cargo build\nFROM debian:12-slim\nCOPY --from=builder /a /a\nCOPY --from=builder2 /b /b\n',
      findings: [{ line: 0, message: /Stage 'builder', built on this one, compiles \(cargo build, line 6\)/ }],
    },
    {
      // The final image is built on the same base: the flag goes on the builder stage itself.
      code: 'FROM golang:1.22 AS base\nFROM base AS build\nRUN go build -o /app\nFROM base\nCOPY --from=build /app /usr/local/bin/app\n',
      findings: [[1, 5, 1, 9]],
    },
    {
      // JVM: the fix is only the flag.
      code: 'FROM maven:3.9-eclipse-temurin-21 AS build\nRUN mvn -B package\nFROM eclipse-temurin:21-jre\nCOPY --from=build /app/target/app.jar /app.jar\n',
      findings: [0],
      output: 'FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21 AS build\nRUN mvn -B package\nFROM eclipse-temurin:21-jre\nCOPY --from=build /app/target/app.jar /app.jar\n',
    },
    {
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -c Release -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\n',
      findings: [{ line: 0, message: /dotnet publish -a \$TARGETARCH/ }],
    },
    {
      // Exec-form RUN.
      code: 'FROM golang:1.22 AS build\nRUN ["go", "build", "-o", "/app", "."]\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
      findings: [{ line: 0, message: /\(go build, line 2\)/ }],
    },
    {
      // Heredoc RUN, copied through RUN --mount.
      code: 'FROM golang:1.22 AS build\nRUN <<EOF\ngo build -o /out/app .\nEOF\nFROM alpine:3.20\nRUN --mount=from=build,source=/out,target=/mnt cp /mnt/app /usr/local/bin/\n',
      findings: [0],
    },
  ],
});
