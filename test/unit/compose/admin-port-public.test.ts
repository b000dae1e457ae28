import { composeRuleTable } from './tester';

composeRuleTable('admin-port-public', {
  valid: [
    'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n',
    'services:\n  db:\n    image: postgres:17\n    expose:\n      - 5432\n',
    // An app port of an unknown image is meant to be reached.
    'services:\n  web:\n    image: example/web:1\n    ports:\n      - "80:8080"\n',
    'services:\n  db:\n    image: postgres:17\n    ports:\n      - target: 5432\n        published: 5432\n        host_ip: 127.0.0.1\n',
    // A port whose host side is unknown is not judged.
    'services:\n  db:\n    image: postgres:17\n    ports:\n      - "${DB_BIND}:5432:5432"\n',
  ],
  invalid: [
    {
      code: 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "5432:5432"\n',
      findings: [[4, 8, 4, 19]],
      output: 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n',
    },
    {
      code: 'services:\n  grafana:\n    image: grafana/grafana:11.5.2\n    ports:\n      - 3000:3000\n',
      findings: [{ line: 4, message: /grafana \(a dashboard\)/ }],
      output: 'services:\n  grafana:\n    image: grafana/grafana:11.5.2\n    ports:\n      - 127.0.0.1:3000:3000\n',
    },
    {
      // A built service is judged by the container port: 6379 is Redis.
      code: 'services:\n  cache:\n    build: ./cache\n    ports:\n      - 6379\n',
      findings: [{ line: 4, message: /random host port/ }],
      output: 'services:\n  cache:\n    build: ./cache\n    ports:\n      - "127.0.0.1::6379"\n',
    },
    {
      code: 'services:\n  db:\n    image: mariadb:11.4\n    ports:\n      - target: 3306\n        published: "3306"\n',
      findings: [4],
      output: 'services:\n  db:\n    image: mariadb:11.4\n    ports:\n      - target: 3306\n        published: "3306"\n        host_ip: 127.0.0.1\n',
    },
    {
      code: "services:\n  mq:\n    image: rabbitmq:4-management-alpine\n    ports:\n      - '0.0.0.0:15672:15672'\n      - 5672:5672\n",
      findings: [4, 5],
      output: "services:\n  mq:\n    image: rabbitmq:4-management-alpine\n    ports:\n      - '127.0.0.1:15672:15672'\n      - 5672:5672\n",
    },
  ],
});
