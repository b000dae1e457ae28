import { composeRuleTable } from './tester';

composeRuleTable('undefined-volume', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n',
    // Host paths, anonymous volumes and tmpfs need no declaration.
    'services:\n  app:\n    image: app:1\n    volumes:\n      - ./src:/src\n      - /project/node_modules\n      - ~/data:/data\n      - type: tmpfs\n        target: /tmp\n',
    'services:\n  app:\n    image: app:1\n    volumes:\n      - ${PLEX_MEDIA_PATH}:/media/\n',
  ],
  invalid: [
    { code: 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - dbdata:/var/lib/postgresql/data\nvolumes:\n  db_data:\n', findings: [{ line: 4, message: /did you mean `db_data`/ }] },
    { code: 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - type: volume\n        source: pgdata\n        target: /var/lib/postgresql/data\n', findings: [[5, 16, 5, 22]] },
    { code: 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - data:/data\n      - logs:/logs:ro\n', findings: [4, 5] },
  ],
});
