import { ruleTable } from '../../rule-tester';

const FINAL = 'FROM scratch\nCOPY --from=build /out/app /app\n';

ruleTable('cross-build-host-arch', {
  valid: [
    `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\nRUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .\n${FINAL}`,
    `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nENV GOARCH=$TARGETARCH\nRUN go build -o /out/app .\n${FINAL}`,
    `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN export GOARCH=$TARGETARCH; go build -o /out/app .\n${FINAL}`,
    `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN env GOARCH=$TARGETARCH go build -o /out/app .\n${FINAL}`,
    // Without --platform the stage runs on the target (emulated-compile's business).
    `FROM golang:1.22 AS build\nRUN go build -o /out/app .\n${FINAL}`,
    // Rust with a target.
    'FROM --platform=$BUILDPLATFORM rust:1.79 AS build\nRUN cargo build --release --target wasm32-wasi\nFROM scratch\nCOPY --from=build /t /t\n',
    'FROM --platform=$BUILDPLATFORM rust:1.79 AS build\nENV CARGO_BUILD_TARGET=aarch64-unknown-linux-gnu\nRUN cargo build --release\nFROM scratch\nCOPY --from=build /t /t\n',
    // A stage whose output is not copied, and the final image's own lineage.
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS tools\nRUN go install golang.org/x/tools/cmd/stringer@latest\nFROM alpine:3.20\n',
    // Targets that are not ARM.
    { code: `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -o /out/app .\n${FINAL}`, settings: { targetPlatforms: ['linux/amd64'] } },
  ],
  invalid: [
    {
      // The awesome-compose nginx-golang shape.
      code: `FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nENV CGO_ENABLED 0\nRUN --mount=type=cache,target=/go-build \\\n    go build -o /out/app main.go\n${FINAL}`,
      findings: [[3, 4, 3, 32]],
      output: `FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nARG TARGETOS TARGETARCH\nENV CGO_ENABLED 0\nRUN --mount=type=cache,target=/go-build \\\n    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app main.go\n${FINAL}`,
    },
    {
      // TARGETARCH already declared: only the missing ARG is added; inline assignments stay in front.
      code: `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN CGO_ENABLED=0 go build -o /out/app .\n${FINAL}`,
      findings: [2],
      output: `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS\nARG TARGETARCH\nRUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .\n${FINAL}`,
    },
    {
      // Inherited $BUILDPLATFORM, ARG-resolved stage reference.
      code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nFROM base AS build\nRUN sudo go install ./cmd/app\nFROM scratch\nARG S=build\nCOPY --from=$S /go/bin/app /app\n',
      findings: [{ line: 2, message: /without GOARCH/ }],
    },
    { code: `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN ["go", "build", "-o", "/out/app", "."]\n${FINAL}`, findings: [{ line: 1, message: /ENV GOARCH/ }] },
    {
      code: 'FROM --platform=$BUILDPLATFORM rust:1.79 AS build\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=build /src/target/release/app /app\n',
      findings: [{ line: 1, message: /--target/ }],
    },
  ],
});
