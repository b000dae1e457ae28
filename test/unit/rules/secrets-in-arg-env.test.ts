import { ruleTable } from '../../rule-tester';

ruleTable('secrets-in-arg-env', {
  valid: [
    // GPG fingerprints, checksums and versions (python, redis, nginx images).
    'FROM debian:12\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\nENV PYTHON_VERSION 3.13.1\nENV PYTHON_SHA256 0123abcd\n',
    'FROM debian:12\nENV REDIS_DOWNLOAD_SHA=5b9e6b3b0a\nENV KEY_SHA512=e09fa32f0a\nARG NGINX_GPGKEYS="573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62"\n',
    // Paths to secrets mounted at run time, and empty values.
    'FROM postgres:16\nENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password\nENV DB_PASSWORD=/run/secrets/db\n',
    'FROM mysql:8\nENV MYSQL_ROOT_PASSWORD=""\nARG NPM_TOKEN\n',
    // Reading a build secret inside the RUN is the right way.
    'FROM node:20\nRUN --mount=type=secret,id=npm NPM_TOKEN="$(cat /run/secrets/npm)" npm ci\n',
    'FROM node:20\nRUN export NPM_TOKEN=$(cat /run/secrets/npm) && npm ci\n',
    // Flags and descriptions, not secrets.
    'FROM alpine:3.20\nENV REQUIRE_TOKEN=true TOKEN_TTL=3600 PASSWORD_MIN_LENGTH=12 AWS_ACCESS_KEY_ID_NAME=x\n',
    'FROM alpine:3.20\nENV PATH=/usr/local/bin:$PATH PWD=/app\n',
    'FROM alpine:3.20\nENV PASSWORD_HASH_ROUNDS=12 TOKEN_EXPIRE=3600 SECRET_ROTATION_DAYS=30\n',
    // An ARG reference in an ARG is not a value.
    'FROM alpine:3.20\nARG API_TOKEN\nARG TOKEN=${API_TOKEN}\n',
    // A URL with a variable for the password is resolved at build time.
    'FROM alpine:3.20\nARG PIP_INDEX_URL=https://user:${PIP_PASSWORD}@pypi.example.com/simple\n',
    'FROM alpine:3.20\n# pier-ignore secrets-in-arg-env -- demo value for the tutorial\nENV DEMO_PASSWORD=demo\n',
  ],
  invalid: [
    { code: 'FROM postgres:16\nENV POSTGRES_PASSWORD=supersecret\n', findings: [[1, 22, 1, 33]] },
    // A number is still a password when the name says password.
    { code: 'FROM mysql:8\nENV MYSQL_ROOT_PASSWORD=123456\n', findings: [1] },
    { code: 'FROM alpine:3.20\nENV DATABASE_URL=postgres://app:app@db:5432/app\n', findings: [{ line: 1, message: /URL with a password/ }] },
    // ENV in the old space form, ARG with a default, camelCase.
    { code: 'FROM alpine:3.20\nENV DB_PASS hunter2\nARG apiKey=abc123\n', findings: [1, 2] },
    // Value shapes under innocent names.
    { code: 'FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n', findings: [{ line: 1, message: /AWS access key/ }] },
    { code: 'ARG GIT_URL=https://deploy:s3cr3t@git.example.com/app.git\nFROM alpine:3.20\n', findings: [{ line: 0, message: /URL with a password/ }] },
    // A build argument copied into ENV.
    { code: 'FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nRUN npm ci\n', findings: [{ line: 2, message: /copies a build argument/ }] },
    // RUN: export, inline assignment under sudo, env wrapper, continuation, heredoc.
    {
      code: 'FROM alpine:3.20\nRUN export GITHUB_TOKEN=abcdef0123 \\\n && sudo AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI make deploy\n',
      findings: [1, 2],
    },
    { code: 'FROM alpine:3.20\nRUN env API_KEY=xyz987 ./fetch.sh\n', findings: [[1, 8, 1, 22]] },
    { code: 'FROM alpine:3.20\nRUN <<EOF\nCLIENT_SECRET=abc ./login\nEOF\n', findings: [2] },
    // A token in an argument.
    {
      code: 'FROM alpine:3.20\nRUN curl -H "Authorization: token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB" https://api.github.com/user\n',
      findings: [{ line: 1, message: /GitHub token/ }],
    },
    { code: 'FROM alpine:3.20\nRUN git clone https://bob:pa55word@github.com/org/repo.git\n', findings: [1] },
    // A private key block in an ENV.
    { code: 'FROM alpine:3.20\nENV SSH_KEY="-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn"\n', findings: [1] },
  ],
});
