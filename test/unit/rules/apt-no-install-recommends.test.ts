import { ruleTable } from '../../rule-tester';

ruleTable('apt-no-install-recommends', {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n',
    'FROM debian:12\nRUN apt-get update\n',
    'FROM debian:12\nRUN echo apt-get install curl\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      findings: [[1, 22, 1, 45]],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
    },
    {
      code: 'FROM debian:12\nRUN set -eux; \\\n    sudo apt install \\\n      curl\n',
      findings: [2],
      output: 'FROM debian:12\nRUN set -eux; \\\n    sudo apt install --no-install-recommends \\\n      curl\n',
    },
    { code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n', findings: [1] },
  ],
});
