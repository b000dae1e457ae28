import { composeRuleTable } from './tester';

composeRuleTable('service-user-root', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    user: postgres\n',
    'services:\n  app:\n    image: app:1\n    user: "1000:1000"\n',
    'services:\n  app:\n    image: app:1\n    user: ${UID}\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    user: root\n', findings: [[3, 10, 3, 14]] },
    { code: 'services:\n  app:\n    image: app:1\n    user: "0:0"\n', findings: [3] },
    { code: 'services:\n  app:\n    image: app:1\n    user: ${RUN_AS:-root}\n', files: { dotenv: 'RUN_AS=root\n' }, findings: [3] },
  ],
});
