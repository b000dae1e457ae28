import { ruleTable } from '../../rule-tester';

ruleTable('arch-specific-download', {
  valid: [
    // The official images detect the architecture (docker-library golang/node shapes).
    'FROM debian:12\nRUN set -eux; \\\n    arch="$(dpkg --print-architecture)"; \\\n    case "$arch" in \\\n      amd64) url=https://dl.google.com/go/go1.22.linux-amd64.tar.gz ;; \\\n      arm64) url=https://dl.google.com/go/go1.22.linux-arm64.tar.gz ;; \\\n    esac; \\\n    wget -O go.tgz "$url"\n',
    'FROM alpine:3.20\nRUN apkArch="$(apk --print-arch)"; \\\n    curl -fsSLO "https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64-musl.tar.xz"\n',
    'FROM debian:12\nRUN case "$(uname -m)" in x86_64) curl -LO https://x.example/tool-x86_64 ;; aarch64) curl -LO https://x.example/tool-aarch64 ;; esac\n',
    'FROM debian:12\nARG TARGETARCH\nRUN curl -fsSL -o /usr/local/bin/yq https://github.com/mikefarah/yq/releases/download/v4.44.1/yq_linux_${TARGETARCH}\n',
    'FROM debian:12\nARG TARGETARCH\nADD https://github.com/x/tool/releases/download/v1/tool-linux-${TARGETARCH}.tar.gz /tmp/\n',
    // The host name is not looked at.
    'FROM debian:12\nRUN curl -fsSL https://amd64.example.com/install.sh | sh\n',
    // Stages on the build machine do not reach the device as executables.
    'FROM --platform=$BUILDPLATFORM debian:12 AS tools\nRUN curl -fsSLO https://github.com/protocolbuffers/protobuf/releases/download/v27.0/protoc-27.0-linux-x86_64.zip\nFROM alpine:3.20\nCOPY --from=tools /out /out\n',
    // A stage that does not reach the final image is not built.
    'FROM debian:12 AS unused\nRUN curl -LO https://example.com/tool-linux-amd64\nFROM alpine:3.20\n',
    // Targets that are not ARM.
    { code: 'FROM debian:12\nRUN curl -LO https://example.com/tool-linux-amd64\n', settings: { targetPlatforms: ['linux/amd64'] } },
    // Windows images download Windows installers.
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN curl -o python.exe https://www.python.org/ftp/python/3.12.0/python-3.12.0-amd64.exe\n',
    // Words that only look like a token inside another word.
    'FROM debian:12\nRUN curl -LO https://example.com/base64-tools.tar.gz\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN curl -fsSL -o /usr/local/bin/kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl\n',
      findings: [{ line: 1, message: /'amd64' in 'kubectl'.*linux\/arm64/ }],
    },
    {
      code: 'FROM debian:12\nRUN wget -q https://github.com/x/tool/releases/download/v1/tool_Linux_x86_64.tar.gz && tar xzf tool_Linux_x86_64.tar.gz\n',
      findings: [[1, 12, 1, 83]],
    },
    {
      // ENV/ARG-resolved URL, sudo wrapper.
      code: 'FROM debian:12\nENV NODE_URL=https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz\nRUN sudo curl -fsSLO "$NODE_URL"\n',
      findings: [2],
    },
    {
      // A shell variable holding the URL.
      code: 'FROM debian:12\nRUN url=https://example.com/v1/tool-linux-amd64.tgz; \\\n    curl -fsSL "$url" | tar -xz -C /usr/local/bin\n',
      findings: [1],
    },
    {
      // ARG fixed to x86 is not detection.
      code: 'FROM debian:12\nARG ARCH=amd64\nRUN curl -LO https://example.com/tool-linux-${ARCH}\n',
      findings: [{ line: 2, message: /'amd64'/ }],
    },
    { code: 'FROM debian:12\nADD https://example.com/releases/tool-i686.tar.gz /opt/\n', findings: [[1, 4, 1, 49]] },
    {
      // Heredoc RUN, builder stage copied into the final image.
      code: 'FROM debian:12 AS fetch\nRUN <<EOF\nset -e\nwget -O /tool https://example.com/dl/linux64/tool\nEOF\nFROM gcr.io/distroless/static-debian12\nCOPY --from=fetch /tool /tool\n',
      findings: [3],
    },
    { code: 'FROM debian:12\nRUN ["curl", "-LO", "https://example.com/tool-amd64"]\n', findings: [1] },
    {
      // ARG-resolved base image and stage reference.
      code: 'ARG BASE=debian:12\nARG S=dl\nFROM ${BASE} AS dl\nRUN curl -fsSLo /tool https://example.com/tool_linux_x86_64\nFROM ${BASE}\nCOPY --from=${S} /tool /usr/local/bin/tool\n',
      findings: [3],
    },
  ],
});
