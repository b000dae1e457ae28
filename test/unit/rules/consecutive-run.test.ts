import { ruleTable } from '../../rule-tester';

ruleTable('consecutive-run', {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    // Different kinds of step: accounts, then packages (redis, postgres).
    'FROM debian:12\nRUN set -eux; \\\n\tgroupadd -r -g 999 redis; \\\n\tuseradd -r -g redis -u 999 redis\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends tzdata; \\\n\trm -rf /var/lib/apt/lists/*\n',
    'FROM debian:12\nRUN apt-get update && apt-get install -y libnss-wrapper && rm -rf /var/lib/apt/lists/*\nRUN mkdir /docker-entrypoint-initdb.d\n',
    // Anything beyond plain steps: loops, conditionals, redirections, downloads.
    'FROM python:3.12\nRUN mkdir -p /a\nRUN set -eux; for src in idle3 pip3; do ln -svT "$src" "/usr/local/bin/${src%3}"; done\n',
    'FROM debian:12\nRUN mkdir /etc/app\nRUN echo "x=1" > /etc/app/conf\n',
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSL https://example.com/x | sh\n',
    // A comment between them says why they are apart; flags and heredocs are reasons too.
    'FROM debian:12\nRUN mkdir /a\n# separate layer: /b changes often\nRUN mkdir /b\n',
    'FROM debian:12\nRUN mkdir /a\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl\n',
    'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl\n',
    'FROM debian:12\nRUN mkdir /a\nRUN <<EOF\nmkdir /b\nEOF\n',
    'FROM debian:12\nRUN ["mkdir", "/a"]\nRUN ["mkdir", "/b"]\n',
    // A builder stage never reaches the device.
    'FROM debian:12 AS build\nRUN mkdir /a\nRUN mkdir /b\nFROM debian:12\nCOPY --from=build /a /a\n',
    'FROM debian:12\nRUN mkdir /a\nENV X=1\nRUN mkdir /b\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
      findings: [[2, 0, 2, 3]],
      output: 'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      // Three in a row: one finding per follower; the edits do not overlap, so all can apply.
      code: 'FROM debian:12\nRUN mkdir -p /app\nRUN chown app /app\nRUN ln -s /app /srv/app\n',
      findings: [2, 3],
      output: 'FROM debian:12\nRUN mkdir -p /app \\\n    && chown app /app\nRUN ln -s /app /srv/app\n',
    },
    {
      // The first ends with `;` (the official images' style): drop it and join with &&.
      code: 'FROM debian:12\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \\\n\t\tca-certificates \\\n\t;\nRUN apt-get install -y --no-install-recommends curl \\\n\t&& rm -rf /var/lib/apt/lists/*\n',
      findings: [6],
      output: 'FROM debian:12\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \\\n\t\tca-certificates \\\n    && apt-get install -y --no-install-recommends curl \\\n\t&& rm -rf /var/lib/apt/lists/*\n',
    },
    {
      // A `;` in the second could run on after a failure of the first: reported, but not merged blindly.
      code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN set -eux; apk add --no-cache jq\n',
      findings: [2],
    },
    {
      code: 'FROM alpine:3.20 AS base\nRUN addgroup -S app\nRUN adduser -S -G app app\nFROM base\n',
      findings: [[2, 0, 2, 3]],
      output: 'FROM alpine:3.20 AS base\nRUN addgroup -S app \\\n    && adduser -S -G app app\nFROM base\n',
    },
  ],
});
