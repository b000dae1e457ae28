import { composeRuleTable } from './tester';

composeRuleTable('service-no-image', {
  valid: [
    'services:\n  app:\n    image: app:1\n',
    'services:\n  app:\n    build: .\n',
    'services:\n  app:\n    extends:\n      service: base\n  base:\n    image: app:1\n',
    { code: 'services:\n  app:\n    environment:\n      MODE: prod\n', files: { path: '/p/compose.prod.yaml' } },
  ],
  invalid: [
    { code: 'services:\n  app:\n    ports:\n      - "80:80"\n', findings: [[1, 2, 1, 5]] },
    { code: 'services:\n  app:\n    image: app:1\n  worker:\n    command: work\n', findings: [3] },
    { code: 'x-base: &base\n  restart: always\nservices:\n  app:\n    <<: *base\n', findings: [3] },
  ],
});
