import { composeRuleTable } from './tester';

const withDockerfile = (text: string | null) => ({ path: '/p/compose.yaml', dockerfiles: { 'app/Dockerfile': text } });

composeRuleTable('service-no-healthcheck', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: ["CMD", "pg_isready"]\n',
    // Turning the check off is a decision, not an omission.
    'services:\n  db:\n    image: postgres:17\n    healthcheck:\n      disable: true\n',
    // The HEALTHCHECK in the Dockerfile the service builds satisfies the rule.
    { code: 'services:\n  app:\n    build: app\n', files: withDockerfile('FROM alpine:3.21\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1/ || exit 1\n') },
    // ... also when it is in the stage the built target builds on.
    { code: 'services:\n  app:\n    build:\n      context: app\n      target: dev\n', files: withDockerfile('FROM alpine:3.21 AS base\nHEALTHCHECK CMD true\nFROM base AS dev\nRUN echo dev\nFROM alpine:3.21\n') },
    // Unknown Dockerfile: no guess.
    'services:\n  app:\n    build: app\n',
    'services:\n  migrate:\n    image: app:1\n  app:\n    image: app:1\n    healthcheck:\n      test: ["CMD", "true"]\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n',
  ],
  invalid: [
    {
      code: 'services:\n  db:\n    image: postgres:17\n',
      findings: [[1, 2, 1, 4]],
      output: 'services:\n  db:\n    image: postgres:17\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U \\"$${POSTGRES_USER:-postgres}\\""]\n      interval: 30s\n      timeout: 5s\n      retries: 3\n      start_period: 30s\n',
    },
    {
      // An unknown image with a port gets an HTTP probe on that port.
      code: 'services:\n    api:\n        image: example/api:2\n        ports:\n            - "8080:3000"\n',
      findings: [1],
      output: 'services:\n    api:\n        image: example/api:2\n        ports:\n            - "8080:3000"\n        healthcheck:\n            test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:3000/ || exit 1"]\n            interval: 30s\n            timeout: 5s\n            retries: 3\n            start_period: 30s\n',
    },
    {
      code: 'services:\n  worker:\n    image: example/worker:2\n',
      findings: [1],
      output: 'services:\n  worker:\n    image: example/worker:2\n    healthcheck:\n      # Replace with a command that fails when the service is broken.\n      test: ["CMD-SHELL", "exit 0"]\n      interval: 30s\n      timeout: 5s\n      retries: 3\n      start_period: 30s\n',
    },
    {
      // The Dockerfile has a HEALTHCHECK, but in a stage the build does not produce; the finding points into it.
      code: 'services:\n  app:\n    build:\n      context: app\n',
      files: withDockerfile('FROM alpine:3.21 AS test\nHEALTHCHECK CMD true\nFROM alpine:3.21\nCMD ["app"]\n'),
      findings: [{ line: 1, message: /Dockerfile it builds has none/ }],
    },
    { code: 'services:\n  app:\n    build: app\n', files: withDockerfile('FROM alpine:3.21\nHEALTHCHECK NONE\n'), findings: [1] },
  ],
});
