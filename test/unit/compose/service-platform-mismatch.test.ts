import { composeRuleTable } from './tester';

composeRuleTable('service-platform-mismatch', {
  valid: [
    'services:\n  app:\n    image: app:1\n    platform: linux/arm64/v8\n',
    // WebAssembly runs on any device architecture (awesome-compose wasmedge samples).
    'services:\n  app:\n    image: app:1\n    platform: wasi/wasm\n',
    { code: 'services:\n  app:\n    image: app:1\n    platform: linux/arm/v7\n', settings: { targetPlatforms: ['linux/arm64', 'linux/arm/v7'] } },
    'services:\n  app:\n    build:\n      context: .\n      platforms:\n        - linux/amd64\n        - linux/arm64\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    platform: linux/amd64\n', findings: [[3, 14, 3, 25]] },
    { code: 'services:\n  app:\n    image: app:1\n    platform: ${PLATFORM:-linux/amd64}\n', files: { dotenv: 'PLATFORM=linux/amd64\n' }, findings: [3] },
    { code: 'services:\n  app:\n    build:\n      context: .\n      platforms: [linux/amd64]\n', findings: [{ line: 4, message: /builds for linux\/amd64 only/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    platform: linux/arm64\n', settings: { targetPlatforms: ['linux/arm/v7'] }, findings: [3] },
  ],
});
