import { composeRuleTable } from './tester';

const path = '/p/compose.yaml';

composeRuleTable('path-not-found', {
  valid: [
    { code: 'services:\n  app:\n    build: ./app\n    env_file: app.env\n', files: { path, paths: { app: 'dir', 'app/Dockerfile': 'file', 'app.env': 'file' } } },
    // Nothing known about the disk: nothing to say.
    'services:\n  app:\n    build: ./app\n    env_file: app.env\n',
    { code: 'services:\n  app:\n    image: app:1\n    env_file:\n      - path: ./optional.env\n        required: false\n', files: { path, paths: { 'optional.env': null } } },
    { code: 'services:\n  app:\n    build: https://github.com/example/app.git#main\n', files: { path, paths: {} } },
    { code: 'services:\n  app:\n    build:\n      context: app\n      dockerfile_inline: |\n        FROM alpine:3.21\n', files: { path, paths: { app: 'dir', 'app/Dockerfile': null } } },
  ],
  invalid: [
    { code: 'services:\n  app:\n    build: ./app\n', files: { path, paths: { app: null } }, findings: [[2, 11, 2, 16]] },
    { code: 'services:\n  app:\n    build:\n      context: app\n      dockerfile: Dockerfile.arm\n', files: { path, paths: { app: 'dir', 'app/Dockerfile.arm': null } }, findings: [{ line: 4, message: /app\/Dockerfile\.arm/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    env_file:\n      - ./common.env\n      - path: ${ENV_DIR}/app.env\n', files: { path, dotenv: 'ENV_DIR=./env\n', paths: { 'common.env': null, 'env/app.env': null } }, findings: [4, 5] },
  ],
});
