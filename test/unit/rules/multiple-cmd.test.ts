import { ruleTable } from '../../rule-tester';

ruleTable('multiple-cmd', {
  valid: [
    'FROM alpine:3.20\nCMD ["app"]\n',
    // One CMD per stage is fine, even with many stages.
    'FROM golang:1.22 AS build\nCMD ["go", "run", "."]\nFROM alpine:3.20\nCMD ["/app"]\n',
    'FROM alpine:3.20\nENTRYPOINT ["app"]\nCMD ["--help"]\n',
    'FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- localhost\nCMD ["app"]\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nCMD ["one"]\nRUN true\nCMD ["two"]\n',
      findings: [[1, 0, 1, 3]],
      output: 'FROM alpine:3.20\nRUN true\nCMD ["two"]\n',
    },
    {
      code: 'FROM alpine:3.20\nCMD one \\\n  --flag\nCMD two\nCMD ["three"]\n',
      findings: [{ line: 1, message: /line 5/ }, { line: 3, message: /line 5/ }],
      output: 'FROM alpine:3.20\nCMD two\nCMD ["three"]\n',
    },
    {
      code: 'FROM alpine:3.20 AS a\nCMD ["x"]\nCMD ["y"]\nFROM a\nCMD ["z"]\n',
      findings: [1],
    },
    { code: 'FROM alpine:3.20\ncmd ["a"]\nCMD ["b"]', findings: [[1, 0, 1, 3]], output: 'FROM alpine:3.20\nCMD ["b"]' },
  ],
});
