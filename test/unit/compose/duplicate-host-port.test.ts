import { composeRuleTable } from './tester';

composeRuleTable('duplicate-host-port', {
  valid: [
    // TCP and UDP on one number are different ports (pihole, logstash in the corpus).
    'services:\n  dns:\n    image: pihole/pihole:2025.02.0\n    ports:\n      - "53:53/tcp"\n      - "53:53/udp"\n',
    'services:\n  a:\n    image: app:1\n    ports: ["127.0.0.1:8080:80"]\n  b:\n    image: app:1\n    ports: ["192.168.1.10:8080:80"]\n',
    // Services in different profiles never run together.
    'services:\n  a:\n    image: app:1\n    profiles: [dev]\n    ports: ["8080:80"]\n  b:\n    image: app:1\n    profiles: [prod]\n    ports: ["8080:80"]\n',
    'services:\n  a:\n    image: app:1\n    ports: ["8080:80", "8081:80"]\n',
  ],
  invalid: [
    { code: 'services:\n  a:\n    image: app:1\n    ports:\n      - "8080:80"\n  b:\n    image: app:1\n    ports:\n      - "8080:3000"\n', findings: [[8, 8, 8, 19]] },
    { code: 'services:\n  a:\n    image: app:1\n    ports:\n      - "8000-8010:8000-8010"\n      - target: 80\n        published: 8005\n', findings: [{ line: 5, message: /8005\/tcp/ }] },
    { code: 'services:\n  a:\n    image: app:1\n    ports: ["0.0.0.0:80:80"]\n  b:\n    image: app:1\n    ports: ["127.0.0.1:80:8080"]\n', findings: [6] },
  ],
});
