import { composeRuleTable } from './tester';

composeRuleTable('docker-socket-mount', {
  valid: [
    'services:\n  app:\n    image: app:1\n    volumes:\n      - ./data:/data\n      - /var/run/app.sock:/var/run/app.sock\n',
    'services:\n  app:\n    image: app:1\n    volumes:\n      - sock:/var/run/docker.sock\nvolumes:\n  sock:\n',
    'services:\n  app:\n    image: app:1\n    volumes:\n      - ${SOCK}:/var/run/docker.sock\n',
  ],
  invalid: [
    { code: 'services:\n  portainer:\n    image: portainer/portainer-ce:2.27.1\n    volumes:\n      - "/var/run/docker.sock:/var/run/docker.sock"\n', findings: [[4, 8, 4, 51]] },
    { code: 'services:\n  traefik:\n    image: traefik:v3.3\n    volumes:\n      - /run/docker.sock:/var/run/docker.sock:ro\n', findings: [{ line: 4, message: /read-only or not/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    volumes:\n      - type: bind\n        source: /var/run/balena-engine.sock\n        target: /var/run/docker.sock\n', findings: [4] },
    { code: 'services:\n  app:\n    image: app:1\n    use_api_socket: true\n', findings: [3] },
  ],
});
