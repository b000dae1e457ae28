import { composeRuleTable } from './tester';

composeRuleTable('security-opt-unconfined', {
  valid: [
    'services:\n  app:\n    image: app:1\n    security_opt:\n      - no-new-privileges:true\n',
    'services:\n  app:\n    image: app:1\n    security_opt:\n      - seccomp:./profile.json\n      - apparmor:my-profile\n',
    'services:\n  app:\n    image: app:1\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    security_opt:\n      - seccomp:unconfined\n', findings: [[4, 8, 4, 26]] },
    { code: 'services:\n  app:\n    image: app:1\n    security_opt: ["apparmor=unconfined", "label:disable"]\n', findings: [3, 3] },
    { code: 'services:\n  app:\n    image: app:1\n    security_opt:\n      - systempaths=unconfined\n', findings: [4] },
  ],
});
