import { composeRuleTable } from './tester';

composeRuleTable('undefined-secret', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    secrets:\n      - db-password\nsecrets:\n  db-password:\n    file: db/password.txt\n',
    'services:\n  db:\n    image: postgres:17\n    secrets:\n      - source: pw\n        target: db_password\nsecrets:\n  pw:\n    environment: DB_PASSWORD\n',
    { code: 'services:\n  db:\n    image: postgres:17\n    secrets: [pw]\n', files: { path: '/p/docker-compose.prod.yml' } },
  ],
  invalid: [
    { code: 'services:\n  db:\n    image: postgres:17\n    secrets:\n      - db-password\n', findings: [[4, 8, 4, 19]] },
    { code: 'services:\n  db:\n    image: postgres:17\n    secrets:\n      - source: db_pw\n        target: pw\nsecrets:\n  db-pw:\n    file: pw.txt\n', findings: [{ line: 4, message: /did you mean `db-pw`/ }] },
    { code: 'services:\n  app:\n    build:\n      context: .\n      secrets:\n        - npm_token\n', findings: [5] },
  ],
});
