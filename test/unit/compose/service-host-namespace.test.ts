import { composeRuleTable } from './tester';

composeRuleTable('service-host-namespace', {
  valid: [
    'services:\n  app:\n    image: app:1\n    network_mode: bridge\n',
    'services:\n  app:\n    image: app:1\n    network_mode: service:vpn\n  vpn:\n    image: vpn:1\n',
    'services:\n  app:\n    image: app:1\n    ipc: shareable\n    cgroup: private\n',
  ],
  invalid: [
    { code: 'services:\n  plex:\n    image: linuxserver/plex:1.41\n    network_mode: host\n', findings: [[3, 18, 3, 22]] },
    { code: 'services:\n  app:\n    image: app:1\n    pid: host\n    ipc: host\n', findings: [3, 4] },
    { code: 'services:\n  app:\n    image: app:1\n    userns_mode: "host"\n    uts: host\n', findings: [3, 4] },
  ],
});
