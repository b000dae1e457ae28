import { ruleTable } from '../../rule-tester';

ruleTable('multiple-entrypoint', {
  valid: [
    'FROM alpine:3.20\nENTRYPOINT ["app"]\n',
    'FROM alpine:3.20 AS a\nENTRYPOINT ["a"]\nFROM a\nENTRYPOINT ["b"]\n',
    'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["--serve"]\nCMD ["--help"]\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nENTRYPOINT ["tini", "--"]\nENTRYPOINT ["app"]\n',
      findings: [[1, 0, 1, 10]],
      output: 'FROM alpine:3.20\nENTRYPOINT ["app"]\n',
    },
    {
      code: 'FROM alpine:3.20\nENTRYPOINT a\nCMD ["x"]\nENTRYPOINT b\n',
      findings: [{ line: 1, message: /line 4/ }],
      output: 'FROM alpine:3.20\nCMD ["x"]\nENTRYPOINT b\n',
    },
    {
      code: 'FROM alpine:3.20\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\nENTRYPOINT ["c"]\n',
      findings: [1, 2],
    },
  ],
});
