import { composeRuleTable } from './tester';

const db = '  db:\n    image: postgres:17\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n';

composeRuleTable('depends-on-not-healthy', {
  valid: [
    `services:\n  app:\n    image: app:1\n    depends_on:\n      db:\n        condition: service_healthy\n${db}`,
    // No health check to wait for.
    'services:\n  app:\n    image: app:1\n    depends_on:\n      - cache\n  cache:\n    image: redis:7.4-alpine\n',
    `services:\n  app:\n    image: app:1\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n  migrate:\n    image: app:1\n    healthcheck:\n      test: ["CMD", "true"]\n`,
    // Unknown services are another rule's business.
    'services:\n  app:\n    image: app:1\n    depends_on:\n      - ghost\n',
  ],
  invalid: [
    {
      code: `services:\n  app:\n    image: app:1\n    depends_on:\n      - db\n      - cache\n${db}  cache:\n    image: redis:7.4-alpine\n`,
      findings: [[4, 8, 4, 10]],
      output: `services:\n  app:\n    image: app:1\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_started\n${db}  cache:\n    image: redis:7.4-alpine\n`,
    },
    {
      code: `services:\n  app:\n    image: app:1\n    depends_on:\n      db:\n        condition: service_started\n${db}`,
      findings: [[4, 6, 4, 8]],
      output: `services:\n  app:\n    image: app:1\n    depends_on:\n      db:\n        condition: service_healthy\n${db}`,
    },
    {
      // A health check declared in the Dockerfile the dependency builds counts too.
      code: 'services:\n  app:\n    image: app:1\n    depends_on:\n    - api\n  api:\n    build: api\n',
      files: { path: '/p/compose.yaml', dockerfiles: { 'api/Dockerfile': 'FROM alpine:3.21\nHEALTHCHECK CMD true\n' } },
      findings: [4],
      output: 'services:\n  app:\n    image: app:1\n    depends_on:\n      api:\n        condition: service_healthy\n  api:\n    build: api\n',
    },
  ],
});
