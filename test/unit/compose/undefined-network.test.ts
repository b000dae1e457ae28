import { composeRuleTable } from './tester';

composeRuleTable('undefined-network', {
  valid: [
    'services:\n  app:\n    image: app:1\n    networks:\n      - front\nnetworks:\n  front:\n',
    // `default` always exists.
    'services:\n  app:\n    image: app:1\n    networks:\n      default:\n        aliases: [api]\n',
    { code: 'services:\n  app:\n    image: app:1\n    networks: [backend]\n', files: { path: '/p/compose.override.yaml' } },
    'services:\n  app:\n    image: app:1\n    networks:\n      - ${NET}\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    networks:\n      - frontnet\nnetworks:\n  front-net:\n', findings: [{ line: 4, message: /`frontnet`.*did you mean `front-net`\?/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    networks:\n      backend:\n        ipv4_address: 172.20.0.2\n', findings: [[4, 6, 4, 13]] },
    { code: 'services:\n  a:\n    image: app:1\n    networks: [x]\n  b:\n    image: app:1\n    networks: [y]\n', findings: [3, 6] },
  ],
});
