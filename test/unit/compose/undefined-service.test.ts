import { composeRuleTable } from './tester';

composeRuleTable('undefined-service', {
  valid: [
    'services:\n  app:\n    image: app:1\n    depends_on: [db]\n  db:\n    image: postgres:17\n',
    'services:\n  app:\n    image: app:1\n    network_mode: service:vpn\n    volumes_from:\n      - container:legacy\n  vpn:\n    image: vpn:1\n',
    'services:\n  app:\n    extends:\n      file: common.yaml\n      service: base\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    depends_on:\n      - bd\n  db:\n    image: postgres:17\n', findings: [{ line: 4, message: /`bd`.*did you mean `db`\?/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    depends_on:\n      cache:\n        condition: service_started\n', findings: [[4, 6, 4, 11]] },
    { code: 'services:\n  app:\n    image: app:1\n    network_mode: "service:vpn"\n    links:\n      - db:database\n    extends: base\n', findings: [3, 5, 6] },
  ],
});
