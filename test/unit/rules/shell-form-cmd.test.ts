import { ruleTable } from '../../rule-tester';

ruleTable('shell-form-cmd', {
  valid: [
    'FROM alpine:3.20\nCMD ["app", "--serve"]\n',
    'FROM alpine:3.20\nENTRYPOINT ["/sbin/tini", "--"]\nCMD ["app"]\n',
    'FROM alpine:3.20\nCMD [\\\n  "app", \\\n  "--serve"]\n',
    // `exec` already makes the app PID 1.
    'FROM alpine:3.20\nCMD exec app --port "$PORT"\n',
    'FROM alpine:3.20\nCMD cd /srv && exec ./app\n',
    // Windows images and PowerShell are out of scope.
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD python app.py\n',
    'FROM alpine:3.20\nSHELL ["pwsh", "-Command"]\nCMD Start-App\n',
    // Broken JSON is dockerfile-syntax's business.
    "FROM alpine:3.20\nCMD ['app']\n",
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nCMD app --serve\n',
      findings: [[1, 4, 1, 15]],
      output: 'FROM alpine:3.20\nCMD ["app", "--serve"]\n',
    },
    {
      // Quotes are removed, continuations joined.
      code: 'FROM node:20-slim\nCMD node \\\n    "server.js" \\\n    --title=\'my app\'\n',
      findings: [[1, 4, 3, 20]],
      output: 'FROM node:20-slim\nCMD ["node", "server.js", "--title=my app"]\n',
    },
    {
      // A variable needs the shell: keep the shell form and exec the app.
      code: 'FROM python:3.12-slim\nCMD gunicorn -b 0.0.0.0:$PORT app:app\n',
      findings: [1],
      output: 'FROM python:3.12-slim\nCMD exec gunicorn -b 0.0.0.0:$PORT app:app\n',
    },
    {
      code: 'FROM alpine:3.20\nCMD cd /srv && ./app --serve\n',
      findings: [1],
      output: 'FROM alpine:3.20\nCMD cd /srv && exec ./app --serve\n',
    },
    {
      // sudo/env-style wrappers stay as they are; exec goes before the wrapper.
      code: 'FROM alpine:3.20\nCMD sleep 1; env APP_MODE=prod /usr/local/bin/app\n',
      findings: [1],
      output: 'FROM alpine:3.20\nCMD sleep 1; exec env APP_MODE=prod /usr/local/bin/app\n',
    },
    {
      code: 'FROM alpine:3.20\nENTRYPOINT /usr/local/bin/app\n',
      findings: [[1, 11, 1, 29]],
      output: 'FROM alpine:3.20\nENTRYPOINT ["/usr/local/bin/app"]\n',
    },
    {
      // With a CMD around, exec form would append it to the ENTRYPOINT: keep the meaning with exec.
      code: 'FROM alpine:3.20\nENTRYPOINT /usr/local/bin/app\nCMD ["--help"]\n',
      findings: [1],
      output: 'FROM alpine:3.20\nENTRYPOINT exec /usr/local/bin/app\nCMD ["--help"]\n',
    },
    {
      code: 'FROM alpine:3.20 AS base\nENTRYPOINT app\nFROM base\nCMD ["--help"]\n',
      findings: [1],
      output: 'FROM alpine:3.20 AS base\nENTRYPOINT exec app\nFROM base\nCMD ["--help"]\n',
    },
    // Globs, redirects and pipes need the shell and cannot get `exec` safely: reported without a fix.
    { code: 'FROM alpine:3.20\nCMD app > /var/log/app.log 2>&1\n', findings: [1] },
    { code: 'FROM alpine:3.20\nCMD app | tee /log\n', findings: [1] },
    { code: 'FROM alpine:3.20\nCMD java -cp /app/lib/* Main\n', findings: [1], output: 'FROM alpine:3.20\nCMD exec java -cp /app/lib/* Main\n' },
    // Every stage counts: a dev target is run too.
    { code: 'FROM golang:1.22 AS dev\nCMD go run .\nFROM alpine:3.20\nCMD ["/app"]\n', findings: [1] },
  ],
});
