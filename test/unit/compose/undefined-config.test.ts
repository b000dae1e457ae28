import { composeRuleTable } from './tester';

composeRuleTable('undefined-config', {
  valid: [
    'services:\n  proxy:\n    image: nginx:1.27\n    configs:\n      - nginx_conf\nconfigs:\n  nginx_conf:\n    file: ./nginx.conf\n',
    'services:\n  proxy:\n    image: nginx:1.27\n    configs:\n      - source: conf\n        target: /etc/nginx/nginx.conf\nconfigs:\n  conf:\n    content: "events {}"\n',
    'services:\n  proxy:\n    image: nginx:1.27\n',
  ],
  invalid: [
    { code: 'services:\n  proxy:\n    image: nginx:1.27\n    configs:\n      - nginx_conf\n', findings: [[4, 8, 4, 18]] },
    { code: 'services:\n  proxy:\n    image: nginx:1.27\n    configs:\n      - source: ngx\n        target: /etc/nginx/nginx.conf\nconfigs:\n  nginx:\n    file: a\n', findings: [4] },
    { code: 'services:\n  a:\n    image: nginx:1.27\n    configs: [x, y]\n', findings: [3, 3] },
  ],
});
