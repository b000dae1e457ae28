import { ruleTable } from '../../rule-tester';

ruleTable('unknown-stage', {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
    'FROM golang:1.22\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=0 /app /app\n',
    // Images with a registry, a path, a tag or a digest are legitimate sources.
    'FROM alpine:3.20\nCOPY --from=nginx:1.25 /etc/nginx/nginx.conf /etc/\n',
    'FROM alpine:3.20\nCOPY --from=gloursdocker/docker / /\n',
    'FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /t /t\n',
    // Names are case-insensitive.
    'FROM golang:1.22 AS Build\nFROM alpine:3.20\nCOPY --from=BUILD /app /app\n',
    // ARG-resolved stage names and base images.
    'ARG BASE=golang:1.22\nARG STAGE=build\nFROM ${BASE} AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=${STAGE} /app /app\n',
    'FROM golang:1.22 AS build\nFROM alpine:3.20\nARG SRC=build\nCOPY --chown=1:1 --from=$SRC /app /app\n',
    // An ARG without a default cannot be judged.
    'ARG STAGE\nFROM alpine:3.20\nCOPY --from=${STAGE} /app /app\n',
    // RUN --mount from a stage.
    'FROM golang:1.22 AS deps\nRUN go mod download\nFROM golang:1.22\nRUN --mount=type=cache,from=deps,source=/go/pkg,target=/go/pkg go build\n',
    'FROM alpine:3.20\nRUN --mount=type=bind,target=/src make\n',
    // Not a name at all: dockerfile-syntax reports it.
    'FROM alpine:3.20\nCOPY --from=-x /a /a\n',
  ],
  invalid: [
    {
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=biuld /app /app\n',
      findings: [{ line: 3, message: /did you mean 'build'/, severity: 'warning' }],
    },
    {
      code: 'FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build --chown=1:1 /a /a\nCOPY --from=3 /app /app\n',
      findings: [{ line: 3, message: /out of range.*2 stages/, severity: 'error' }],
    },
    {
      code: 'FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=3 /app /app\n',
      findings: [[2, 12, 2, 13]],
    },
    {
      // A stage defined later is a forward reference.
      code: 'FROM alpine:3.20 AS app\nCOPY --from=build /app /app\nFROM golang:1.22 AS build\nRUN go build -o /app\n',
      findings: [{ line: 1, message: /forward reference.*line 3/, severity: 'warning' }],
    },
    {
      code: 'FROM alpine:3.20 AS app\nCOPY --from=app /x /y\n',
      findings: [{ line: 1, message: /circular/, severity: 'error' }],
    },
    {
      code: 'FROM alpine:3.20 AS a\nCOPY --from=b /x /x\nFROM alpine:3.20 AS b\nCOPY --from=a /y /y\n',
      findings: [{ line: 1, message: /circular/ }, 3],
    },
    {
      // ARG-resolved value with a typo names the closest stage.
      code: 'ARG STAGE=buidl\nFROM golang:1.22 AS build\nFROM alpine:3.20\nARG STAGE\nCOPY --from=${STAGE} /app /app\n',
      findings: [{ line: 4, message: /'\$\{STAGE\}' \(= 'buidl'\).*did you mean 'build'/ }],
    },
    {
      code: 'FROM golang:1.22 AS deps\nFROM golang:1.22\nRUN --mount=type=cache,from=dep,target=/go/pkg \\\n    go build\n',
      findings: [[2, 28, 2, 31]],
    },
    {
      // A quoted mount value: the range is the name inside the quotes.
      code: 'FROM golang:1.22 AS build\nFROM alpine:3.20\nRUN --mount=type=bind,from="buidl",target=/x true\n',
      findings: [[2, 28, 2, 33]],
    },
    {
      code: 'FROM alpine:3.20\nCOPY --from=busybox /bin/busybox /bin/\n',
      findings: [{ line: 1, message: /pin its tag/ }],
    },
  ],
});
