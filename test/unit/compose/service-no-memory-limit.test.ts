import { composeRuleTable } from './tester';

composeRuleTable('service-no-memory-limit', {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n    mem_limit: 128m\n',
    'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          memory: 1.5G\n',
    'x-limits: &limits\n  mem_limit: 256m\nservices:\n  web:\n    <<: *limits\n    image: nginx:1.27\n',
    { code: 'services:\n  web:\n    image: nginx:1.27\n', files: { path: '/p/docker-compose.prod.yml' } },
  ],
  invalid: [
    {
      code: 'services:\n  web:\n    image: nginx:1.27\n',
      findings: [{ line: 1, message: /nor a CPU limit/ }],
      output: 'services:\n  web:\n    image: nginx:1.27\n    mem_limit: 512m\n',
    },
    {
      // A CPU limit alone still lets the service eat the device's memory.
      code: 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          cpus: "0.5"\n',
      findings: [{ line: 1, message: /no memory limit:/ }],
      output: 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits:\n          cpus: "0.5"\n          memory: 512M\n',
    },
    {
      code: 'services:\n  web:\n    image: nginx:1.27\n    cpus: 0.5\n  db:\n    image: postgres:17\n',
      findings: [1, 4],
      output: 'services:\n  web:\n    image: nginx:1.27\n    cpus: 0.5\n    mem_limit: 512m\n  db:\n    image: postgres:17\n',
    },
  ],
});
