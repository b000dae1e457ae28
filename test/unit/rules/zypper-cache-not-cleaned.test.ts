import { ruleTable } from '../../rule-tester';

ruleTable('zypper-cache-not-cleaned', {
  valid: [
    'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl && zypper clean --all\n',
    'FROM opensuse/leap:15.6\nRUN zypper -n in curl && zypper cc -a\n',
    'FROM opensuse/leap:15.6\nRUN zypper -n in curl && rm -rf /var/cache/zypp/*\n',
    'FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl\n',
    'FROM opensuse/leap:15.6 AS build\nRUN zypper -n in gcc\nFROM opensuse/leap:15.6\nCOPY --from=build /out /out\n',
    'FROM opensuse/leap:15.6\nRUN zypper refresh\n',
  ],
  invalid: [
    {
      code: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl\n',
      findings: [[1, 4, 1, 21]],
      output: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl \\\n    && zypper clean --all\n',
    },
    {
      code: 'FROM opensuse/leap:15.6\nRUN zypper refresh && \\\n    sudo zypper --non-interactive in curl\n',
      findings: [[2, 9, 2, 36]],
      output: 'FROM opensuse/leap:15.6\nRUN zypper refresh && \\\n    sudo zypper --non-interactive in curl \\\n    && zypper clean --all\n',
    },
    {
      code: 'FROM opensuse/leap:15.6\nRUN <<EOF\nzypper -n in curl\nEOF\n',
      findings: [2],
      output: 'FROM opensuse/leap:15.6\nRUN <<EOF\nzypper -n in curl\nzypper clean --all\nEOF\n',
    },
  ],
});
