import { ruleTable } from '../../rule-tester';

ruleTable('removed-in-later-layer', {
  valid: [
    // The official images download, unpack and delete in one RUN.
    'FROM debian:12-slim\nRUN set -eux; \\\n\twget -O python.tar.xz "https://www.python.org/ftp/python/3.13.1/Python-3.13.1.tar.xz"; \\\n\ttar -xJf python.tar.xz -C /usr/src/python; \\\n\trm python.tar.xz\n',
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n',
    'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc && make && apk del .build-deps\nRUN apk del gcc || true\n',
    // Deleting what the base image had is not this rule's business.
    'FROM debian:12-slim\nRUN rm -rf /usr/share/doc/*\n',
    // Something inside a copied directory, after a RUN that may have written it.
    'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN rm -rf /app/.cache\n',
    // A builder stage's leftovers never ship.
    'FROM debian:12 AS build\nCOPY big.tar.gz /tmp/\nRUN rm /tmp/big.tar.gz\nFROM debian:12-slim\nCOPY --from=build /out /out\n',
    // Paths that depend on the shell cannot be judged.
    'FROM debian:12-slim\nCOPY app.tar.gz /tmp/\nRUN dir=/tmp; rm "$dir/app.tar.gz"\n',
    'FROM debian:12-slim\nRUN cd /tmp && curl -fsSLO https://example.com/app.tgz && tar -xzf app.tgz -C /opt && rm app.tgz\n',
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip uninstall -y setuptools\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12-slim\nCOPY app-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/app-1.2.tar.gz -C /opt && rm /tmp/app-1.2.tar.gz\n',
      findings: [{ line: 2, message: /`\/tmp\/app-1\.2\.tar\.gz` was added by an earlier layer \(COPY on line 2\).*\.dockerignore/ }],
    },
    {
      // Relative paths against WORKDIR; the range is the rm operand.
      code: 'FROM debian:12-slim\nWORKDIR /opt/app\nCOPY . .\nRUN rm -rf tests docs\n',
      findings: [[3, 11, 3, 16], [3, 17, 3, 21]],
    },
    {
      code: 'FROM debian:12-slim\nRUN curl -fsSL -o /tmp/go.tgz https://go.dev/dl/go1.22.linux-arm64.tar.gz\nRUN tar -C /usr/local -xzf /tmp/go.tgz && rm -f /tmp/go.tgz\n',
      findings: [{ line: 2, message: /RUN on line 2\).*same RUN/ }],
    },
    {
      code: 'FROM debian:12-slim\nWORKDIR /tmp\nRUN wget https://example.com/data.zip\nRUN unzip data.zip -d /data\nRUN rm -rf /tmp/*\n',
      findings: [4],
    },
    {
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n',
      findings: [{ line: 2, message: /apt-get update in the RUN on line 2/ }],
    },
    {
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nRUN make\nRUN apt-get purge -y --auto-remove build-essential\n',
      findings: [[3, 35, 3, 50]],
    },
    {
      code: 'FROM alpine:3.20 AS base\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev\nFROM base\nRUN pip install cffi && apk del .build-deps\n',
      findings: [{ line: 3, message: /Package \.build-deps/ }],
    },
    {
      code: 'FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir Cython==3.0 numpy\nRUN pip uninstall -y cython\n',
      findings: [2],
    },
    {
      code: 'FROM debian:12-slim\nRUN git clone https://github.com/example/tool.git /src/tool && make -C /src/tool install\nRUN rm -rf /src/tool\n',
      findings: [2],
    },
    {
      // ADD of a URL into a directory: the file keeps its name.
      code: 'FROM debian:12-slim\nARG V=1.2\nADD https://example.com/app-${V}.tar.gz /tmp/\nRUN tar -xzf /tmp/app-1.2.tar.gz -C /opt \\\n    && rm /tmp/app-${V}.tar.gz\n',
      findings: [4],
    },
  ],
});
