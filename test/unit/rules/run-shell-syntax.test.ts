import { ruleTable } from '../../rule-tester';

ruleTable('run-shell-syntax', {
  valid: [
    'FROM alpine:3.20\nRUN set -eux; \\\n    if [ -f /x ]; then echo yes; fi\n',
    // Comment lines inside a continued RUN are dropped by the builder.
    'FROM alpine:3.20\nRUN apk add \\\n# the client\n    curl\n',
    'FROM alpine:3.20\nRUN ["sh", "-c", "echo \\"unterminated"]\n',
    'FROM alpine:3.20\nRUN <<EOF\nset -e\necho hi\nEOF\n',
    // A heredoc for another interpreter is not shell.
    'FROM python:3.12\nRUN <<EOF\n#!/usr/bin/env python3\nprint("ok" if (1) else "no")\nEOF\n',
    // PowerShell and Windows images are not parsed as POSIX shell.
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN $url = (\'https://x/{0}\' -f $v); Write-Host $url\n',
    'FROM alpine:3.20\nSHELL ["pwsh", "-Command"]\nRUN if ($x) { Write-Host "(" }\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nRUN echo "unterminated\n',
      findings: [{ line: 1, message: /closing quote/, severity: 'warning' }],
    },
    {
      code: 'FROM alpine:3.20\nRUN set -eux; \\\n    if [ -f /x ]; then \\\n      echo yes; \\\n    done\n',
      findings: [[4, 4, 4, 5]],
    },
    {
      code: 'FROM alpine:3.20\nRUN <<EOF\nfor x in a b; do\n  echo $x\nEOF\n',
      findings: [2],
    },
    {
      // sudo/env wrappers do not matter: the whole script is parsed.
      code: 'FROM debian:12 AS build\nRUN sudo apt-get update && (apt-get install -y curl\nFROM debian:12\n',
      findings: [1],
    },
    {
      code: 'FROM alpine:3.20\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN echo $((1 +)\n',
      findings: [2],
    },
  ],
});
