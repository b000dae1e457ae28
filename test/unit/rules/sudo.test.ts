import { ruleTable } from '../../rule-tester';

ruleTable('sudo', {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    // Installing the package, or naming it in text, is not running it.
    'FROM debian:12\nRUN apt-get install -y sudo && echo "use sudo wisely"\n',
    // A comment line inside a continued RUN is dropped by Docker.
    'FROM debian:12\nRUN apt-get update \\\n# sudo apt-get upgrade\n  && apt-get install -y curl\n',
    'FROM debian:12\n# hadolint ignore=DL3004\nRUN sudo apt-get update\n',
  ],
  invalid: [
    {
      // Root (no USER on an official image): just remove it.
      code: 'FROM debian:12\nRUN sudo apt-get update && sudo -E apt-get install -y curl\n',
      findings: [[1, 4, 1, 8], [1, 27, 1, 31]],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      // Continued lines, `-u root`, and an assignment after sudo that the shell keeps.
      code: 'FROM ubuntu:24.04\nUSER root\nRUN set -eux; \\\n    sudo -u root DEBIAN_FRONTEND=noninteractive apt-get update\n',
      findings: [[3, 4, 3, 8]],
      output: 'FROM ubuntu:24.04\nUSER root\nRUN set -eux; \\\n    DEBIAN_FRONTEND=noninteractive apt-get update\n',
    },
    {
      // A non-root USER: the fix switches to root around the RUN and back.
      code: 'FROM node:20\nUSER node\nRUN sudo npm install -g pm2\nCMD ["pm2-runtime", "app.js"]\n',
      findings: [{ line: 2, message: /runs as node/ }],
      output: 'FROM node:20\nUSER node\nUSER root\nRUN npm install -g pm2\nUSER node\nCMD ["pm2-runtime", "app.js"]\n',
    },
    {
      // Heredoc RUN.
      code: 'FROM alpine:3.20\nRUN <<EOF\nset -e\nsudo apk add --no-cache curl\nEOF\n',
      findings: [[3, 0, 3, 4]],
      output: 'FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\n',
    },
    // `sudo -u app` changes the user: reported, but removing it would change what runs.
    { code: 'FROM debian:12\nRUN sudo -u app make install\n', findings: [1] },
    // Exec form: reported without a fix.
    { code: 'FROM debian:12\nRUN ["sudo", "apt-get", "update"]\n', findings: [[1, 4, 1, 33]] },
    // Unknown base user and no USER: no fix, since there is no user to return to.
    { code: 'FROM myorg/devbox:1\nRUN sudo make install\n', findings: [{ line: 1, message: /base image's user/ }] },
    // The user is inherited from the stage it builds on, in a builder stage.
    {
      code: 'FROM debian:12 AS base\nUSER 1000\nFROM base AS build\nRUN sudo apt-get update\nFROM alpine:3.20\n',
      findings: [3],
      output: 'FROM debian:12 AS base\nUSER 1000\nFROM base AS build\nUSER root\nRUN apt-get update\nUSER 1000\nFROM alpine:3.20\n',
    },
  ],
});
