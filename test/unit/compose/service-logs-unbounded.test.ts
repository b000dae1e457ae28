import { composeRuleTable } from './tester';

composeRuleTable('service-logs-unbounded', {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: json-file\n      options:\n        max-size: "10m"\n',
    // `local` rotates on its own; journald and syslog ship logs away.
    'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: local\n',
    'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: journald\n',
    // A shared logging block through an alias.
    'x-logging: &logging\n  driver: json-file\n  options:\n    max-size: "5m"\n    max-file: "2"\nservices:\n  web:\n    image: nginx:1.27\n    logging: *logging\n',
    { code: 'services:\n  web:\n    image: nginx:1.27\n', files: { path: '/p/compose.override.yaml' } },
  ],
  invalid: [
    {
      code: 'services:\n  web:\n    image: nginx:1.27\n',
      findings: [[1, 2, 1, 5]],
      output: 'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: json-file\n      options:\n        max-size: "10m"\n        max-file: "3"\n',
    },
    {
      code: 'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: json-file\n',
      findings: [[3, 4, 3, 11]],
      output: 'services:\n  web:\n    image: nginx:1.27\n    logging:\n      driver: json-file\n      options:\n        max-size: "10m"\n        max-file: "3"\n',
    },
    {
      // max-file without max-size rotates nothing.
      code: 'services:\n   web:\n      image: nginx:1.27\n      logging:\n         options:\n            max-file: "3"\n',
      findings: [3],
      output: 'services:\n   web:\n      image: nginx:1.27\n      logging:\n         options:\n            max-file: "3"\n            max-size: "10m"\n',
    },
  ],
});
