import { composeRuleTable } from './tester';

const path = '/p/compose.yaml';
const bad = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n';

composeRuleTable('build-dockerfile-findings', {
  valid: [
    { code: 'services:\n  app:\n    build: app\n', files: { path, dockerfiles: { 'app/Dockerfile': 'FROM scratch\nCOPY app /app\n' } } },
    // Unknown Dockerfile text: nothing to report.
    'services:\n  app:\n    build: app\n',
    { code: 'services:\n  app:\n    image: app:1\n', files: { path, dockerfiles: {} } },
  ],
  invalid: [
    {
      code: 'services:\n  app:\n    build: app\n',
      files: { path, dockerfiles: { 'app/Dockerfile': bad } },
      findings: [{ line: 2, message: /The Dockerfile service `app` builds \(app\/Dockerfile\) has \d+ findings? .*apt-no-install-recommends/ }],
    },
    {
      code: 'services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/arm.Dockerfile\n',
      files: { path, dockerfiles: { 'docker/arm.Dockerfile': bad } },
      findings: [[2, 4, 2, 9]],
    },
    { code: 'services:\n  a:\n    build: x\n  b:\n    build: x\n', files: { path, dockerfiles: { 'x/Dockerfile': bad } }, findings: [2, 4] },
  ],
});
