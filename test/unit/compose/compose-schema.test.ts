import { composeRuleTable } from './tester';

composeRuleTable('compose-schema', {
  valid: [
    'name: demo\nservices:\n  web:\n    image: nginx:1.27\n    restart: on-failure:5\n    develop:\n      watch:\n        - path: ./src\n          action: sync\n          target: /app\n',
    'x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    image: nginx:1.27\n    ports:\n      - target: 80\n        published: "8080"\n        host_ip: 127.0.0.1\n',
    // Values that are strings only because of interpolation are allowed by the schema.
    'services:\n  web:\n    image: nginx:1.27\n    privileged: ${PRIV:-false}\n    cpus: ${CPUS}\n',
    'services:\n  web:\n    image: nginx:1.27\nnetworks:\n  front:\nvolumes:\n  data: {}\nsecrets:\n  pw:\n    file: ./pw.txt\n',
    // Broken YAML is yaml-syntax's to report, not a schema problem.
    'services:\n  web:\n    image: [nginx\n',
  ],
  invalid: [
    { code: 'services:\n  web:\n    image: nginx:1.27\n    restart: sometimes\n', findings: [{ line: 3, message: /^`restart` must be one of: no, always, on-failure, unless-stopped/ }] },
    { code: 'servies:\n  web:\n    image: nginx\n', findings: [{ line: 0, message: /^`servies` is not a top-level Compose key; did you mean `services`\?$/ }] },
    { code: 'services:\n  web:\n    imgae: nginx\n', findings: [[2, 4, 2, 9]] },
    { code: 'services:\n  web:\n    image: nginx\n    cgroup: hots\n', findings: [{ line: 3, message: /^`cgroup` must be one of: host, private\.$/ }] },
    // One message for a value of the wrong type, not one per oneOf branch.
    { code: 'services:\n  web:\n    build: 5\n', findings: [{ line: 2, message: /^`build` must be a string or a mapping\.$/ }] },
    {
      code: 'services:\n  app:\n    image: app:1\n    depends_on:\n      db:\n        condition: service_ready\n  db:\n    image: postgres:17\n',
      findings: [{ line: 5, message: /^`condition` must be one of: service_started, service_healthy, service_completed_successfully\.$/ }],
    },
    { code: 'services:\n  "my app":\n    image: nginx\n', findings: [{ line: 1, message: /not a valid service name/ }] },
    { code: 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - "80:80"\n', findings: [{ line: 5, message: /same item twice/ }] },
    { code: 'services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        publshed: 8080\n', findings: [{ line: 5, message: /`publshed` is not allowed in `ports\[0\]`; did you mean `published`\?/ }] },
  ],
});
