import { ruleTable } from '../../rule-tester';

const FINAL = 'FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n';

ruleTable('go-cgo-static', {
  valid: [
    `FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nENV CGO_ENABLED=0\nRUN go build -o /out/app .\n${FINAL}`,
    // Legacy ENV syntax, and an ENV in the stage the builder is built FROM.
    `FROM golang:1.22 AS base\nENV CGO_ENABLED 0\nFROM base AS build\nRUN go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nARG CGO_ENABLED=0\nRUN go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nRUN set -eux; export CGO_ENABLED=0; \\\n    go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nRUN go env -w CGO_ENABLED=0\nRUN go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nRUN env CGO_ENABLED=0 GOOS=linux go build -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nRUN go build -ldflags '-extldflags "-static"' -o /out/app .\n${FINAL}`,
    `FROM golang:1.22 AS build\nRUN go build -tags netgo,osusergo -o /out/app .\n${FINAL}`,
    // Go >= 1.20 on Alpine without a C compiler builds without cgo.
    `FROM golang:1.22-alpine AS build\nRUN go build -o /out/app .\n${FINAL}`,
    // A glibc final image runs binaries built on Debian.
    'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/base-debian12\nCOPY --from=build /out/app /app\n',
    // A final image with a libc is out of scope.
    'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM debian:12-slim\nCOPY --from=build /out/app /app\n',
    // A stage that does not reach the final image is not built.
    'FROM golang:1.22 AS tools\nRUN go install example.com/tool@latest\nFROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n',
    // An ARG without a default is set by the build command.
    `FROM golang:1.22 AS build\nARG CGO_ENABLED\nRUN go build -o /out/app .\n${FINAL}`,
    // ARG-resolved builder image that is Alpine.
    `ARG GO_IMAGE=golang:1.22-alpine\nFROM \${GO_IMAGE} AS build\nRUN go build -o /out/app .\n${FINAL}`,
  ],
  invalid: [
    {
      code: `FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /out/app .\n${FINAL}`,
      findings: [[2, 4, 2, 26]],
      output: `FROM golang:1.22 AS build\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -o /out/app .\n${FINAL}`,
    },
    {
      // ARG-resolved builder image and stage name.
      code: 'ARG BASE=golang:1.22\nARG STAGE=build\nFROM ${BASE} AS build\nRUN go mod download && \\\n    go build -o /out/app ./cmd/app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=${STAGE} /out/app /app\n',
      findings: [{ line: 4, message: /distroless\/static-debian12/ }],
      output: 'ARG BASE=golang:1.22\nARG STAGE=build\nFROM ${BASE} AS build\nRUN go mod download && \\\n    CGO_ENABLED=0 go build -o /out/app ./cmd/app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=${STAGE} /out/app /app\n',
    },
    {
      // Alpine with gcc installed turns cgo back on; the musl binary fails on distroless base (glibc).
      code: 'FROM golang:1.22-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nRUN sudo go install ./cmd/app\nFROM gcr.io/distroless/base-debian12\nCOPY --from=build /go/bin/app /app\n',
      findings: [{ line: 2, message: /musl/ }],
      output: 'FROM golang:1.22-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nRUN CGO_ENABLED=0 sudo go install ./cmd/app\nFROM gcr.io/distroless/base-debian12\nCOPY --from=build /go/bin/app /app\n',
    },
    {
      // Go before 1.20 on Alpine still defaults to cgo.
      code: `FROM golang:1.18-alpine AS build\nRUN go build -o /out/app .\n${FINAL}`,
      findings: [1],
    },
    {
      // CGO_ENABLED=1 explicitly.
      code: `FROM golang:1.22 AS build\nENV CGO_ENABLED=1\nRUN go build -o /out/app .\n${FINAL}`,
      findings: [2],
    },
    {
      code: 'FROM golang:1.22 AS build\nRUN <<EOF\nset -e\ngo build -o /out/app .\nEOF\nFROM scratch\nCOPY --from=build /out/app /app\n',
      findings: [[3, 0, 3, 22]],
      output: 'FROM golang:1.22 AS build\nRUN <<EOF\nset -e\nCGO_ENABLED=0 go build -o /out/app .\nEOF\nFROM scratch\nCOPY --from=build /out/app /app\n',
    },
    { code: `FROM golang:1.22 AS build\nRUN ["go", "build", "-o", "/out/app", "."]\n${FINAL}`, findings: [1] },
    {
      // Copied through an intermediate stage (compression) into the final image.
      code: 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20 AS pack\nCOPY --from=build /out/app /app\nRUN apk add upx && upx /app\nFROM scratch\nCOPY --from=pack /app /app\n',
      findings: [1],
    },
  ],
});
