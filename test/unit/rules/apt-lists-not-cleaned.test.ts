import { ruleTable } from '../../rule-tester';

ruleTable('apt-lists-not-cleaned', {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    // The official images' style: `;`-separated with the cleanup last.
    'FROM debian:12\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \\\n\t\tca-certificates \\\n\t; \\\n\trm -rf /var/lib/apt/lists/*\n',
    // nginx: lists removed, then a repository added, updated again and removed again.
    'FROM debian:12\nRUN apt-get update && apt-get install -y gnupg1 && rm -rf /var/lib/apt/lists/* \\\n    && echo "deb https://nginx.org/packages/debian bookworm nginx" > /etc/apt/sources.list.d/nginx.list \\\n    && apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list\n',
    'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl\n',
    'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n',
    // A builder stage never reaches the device.
    'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /out /out\n',
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl && sudo rm -rf /var/lib/apt/lists\n',
    'FROM debian:13\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean\n',
    'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n',
    // No update here: this RUN writes no lists (an earlier RUN would be the one to report).
    'FROM debian:12\nRUN apt-get install -y ./app.deb\n',
    'FROM debian:12\nRUN echo "apt-get update" > /notes\n',
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    # tidy up\n    && rm -fr /var/lib/apt/lists/*\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      findings: [[1, 4, 1, 18]],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      code: 'FROM debian:12\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \\\n\t\tcurl \\\n\t;\n',
      findings: [[2, 1, 2, 15]],
      output: 'FROM debian:12\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \\\n\t\tcurl \\\n\t; \\\n\trm -rf /var/lib/apt/lists/*\n',
    },
    {
      // Removing the lists before updating does not help.
      code: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n',
      findings: [[1, 35, 1, 49]],
      output: 'FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n',
      findings: [[2, 0, 2, 14]],
      output: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n',
    },
    {
      code: 'FROM ubuntu:24.04\nRUN sudo apt update && \\\n    sudo apt install -y curl\n',
      findings: [[1, 9, 1, 19]],
      output: 'FROM ubuntu:24.04\nRUN sudo apt update && \\\n    sudo apt install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      // The final stage builds on `base`, so base's layers ship.
      code: 'ARG DEBIAN=debian:12\nFROM $DEBIAN AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nCMD ["curl"]\n',
      findings: [2],
    },
    { code: 'FROM debian:12\nRUN ["apt-get", "update"]\n', findings: [[1, 4, 1, 25]] },
    // A heredoc fed to a command and a trailing comment: reported, but no blind edit is offered.
    { code: 'FROM debian:12\nRUN apt-get update && cat <<EOF > /etc/x.conf\nkey=value\nEOF\n', findings: [1] },
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl # cleaned later\n', findings: [1] },
    {
      // A cache mount on the archives does not cover the lists.
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n',
      findings: [{ line: 1, message: /package lists/ }],
      output: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      code: 'FROM debian:12\nRUN apt-get update \\\n    # comment lines inside a continuation are dropped by the builder\n    && apt-get install -y curl\n',
      findings: [1],
      output: 'FROM debian:12\nRUN apt-get update \\\n    # comment lines inside a continuation are dropped by the builder\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    },
  ],
});
