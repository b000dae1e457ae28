import { composeRuleTable } from './tester';

composeRuleTable('service-image-latest', {
  valid: [
    'services:\n  db:\n    image: postgres:17-alpine\n',
    'services:\n  db:\n    image: postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    // With build:, image names what is built here.
    'services:\n  app:\n    build: .\n    image: registry.example.com/app\n',
    // A tag from a variable whose value is unknown.
    'services:\n  app:\n    image: registry.example.com/app:${TAG}\n',
    { code: 'services:\n  app:\n    image: app:${TAG:-latest}\n', files: { dotenv: 'TAG=1.4.2\n' } },
  ],
  invalid: [
    {
      code: 'services:\n  db:\n    image: postgres\n',
      findings: [[2, 11, 2, 19]],
      output: 'services:\n  db:\n    image: postgres:17-alpine\n',
    },
    {
      code: 'services:\n  proxy:\n    image: "nginx:latest"\n',
      findings: [[2, 11, 2, 25]],
      output: 'services:\n  proxy:\n    image: "nginx:1.27-alpine"\n',
    },
    // No known tag for this image: the finding has no fix.
    { code: 'services:\n  app:\n    image: example/app:latest\n', findings: [{ line: 2, message: /untested version/ }] },
    // The default of an unset variable is latest.
    { code: 'services:\n  app:\n    image: example/app:${TAG:-latest}\n', files: { dotenv: null }, findings: [{ line: 2, message: /when TAG is unset/ }] },
    { code: 'services:\n  app:\n    image: ${REGISTRY}/app\n', files: { dotenv: 'REGISTRY=registry.example.com\n' }, findings: [2] },
  ],
});
