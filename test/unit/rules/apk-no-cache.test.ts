import { ruleTable } from '../../rule-tester';

ruleTable('apk-no-cache', {
  valid: [
    'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
    'FROM alpine:3.20\nRUN apk --no-cache add curl ca-certificates\n',
    // The official python image: runtime deps resolved from local files with --no-network.
    'FROM alpine:3.20\nRUN set -eux; \\\n\tapk add --no-cache --virtual .build-deps gcc; \\\n\tscanelf --needed /usr/local/bin/x | xargs -rt apk add --no-network --virtual .rundeps; \\\n\tapk del --no-network .build-deps\n',
    'FROM alpine:3.20\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
    'FROM alpine:3.20\nRUN apk add curl && apk cache clean\n',
    'FROM alpine:3.20 AS build\nRUN apk add build-base\nFROM alpine:3.20\nCOPY --from=build /out /out\n',
    'FROM alpine:3.20\nRUN echo apk add curl\n',
    'FROM alpine:3.20\nRUN <<EOF\napk add --no-cache curl\nEOF\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nRUN apk add curl\n',
      findings: [[1, 4, 1, 11]],
      output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
    },
    {
      code: 'FROM alpine:3.20\nRUN set -eux; \\\n\tsudo apk add --virtual .deps \\\n\t\tcurl \\\n\t;\n',
      findings: [[2, 6, 2, 13]],
      output: 'FROM alpine:3.20\nRUN set -eux; \\\n\tsudo apk add --no-cache --virtual .deps \\\n\t\tcurl \\\n\t;\n',
    },
    {
      // With `apk update` in the RUN, --no-cache on add would still leave update's index: remove it.
      code: 'FROM alpine:3.20\nRUN apk update && apk add -U curl\n',
      findings: [1],
      output: 'FROM alpine:3.20\nRUN apk update && apk add -U curl \\\n    && rm -rf /var/cache/apk/*\n',
    },
    {
      // The cleanup must come after the install.
      code: 'FROM alpine:3.20\nRUN rm -rf /var/cache/apk/* && apk add curl\n',
      findings: [1],
      output: 'FROM alpine:3.20\nRUN rm -rf /var/cache/apk/* && apk add --no-cache curl\n',
    },
    {
      code: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add curl\napk add jq\nEOF\n',
      findings: [3, 4],
      output: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\napk add jq\nEOF\n',
    },
    { code: 'FROM alpine:3.20\nRUN ["apk", "add", "curl"]\n', findings: [1] },
    {
      code: 'ARG BASE=alpine:3.20\nFROM ${BASE} AS base\nRUN env FOO=1 apk add curl\nFROM base\n',
      findings: [2],
      output: 'ARG BASE=alpine:3.20\nFROM ${BASE} AS base\nRUN env FOO=1 apk add --no-cache curl\nFROM base\n',
    },
  ],
});
