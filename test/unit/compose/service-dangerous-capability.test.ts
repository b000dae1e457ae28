import { composeRuleTable } from './tester';

composeRuleTable('service-dangerous-capability', {
  valid: [
    'services:\n  app:\n    image: app:1\n    cap_add:\n      - NET_BIND_SERVICE\n      - SYS_TIME\n',
    // NET_ADMIN inside the container's own network namespace only touches that namespace (pihole, wireguard).
    'services:\n  vpn:\n    image: linuxserver/wireguard:1.0\n    cap_add:\n      - NET_ADMIN\n',
    'services:\n  app:\n    image: app:1\n    cap_drop:\n      - ALL\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    cap_add:\n      - SYS_ADMIN\n', findings: [[4, 8, 4, 17]] },
    { code: 'services:\n  app:\n    image: app:1\n    cap_add: [all, cap_sys_ptrace]\n', findings: [3, 3] },
    { code: 'services:\n  vpn:\n    image: app:1\n    network_mode: host\n    cap_add:\n      - NET_ADMIN\n      - SYS_MODULE\n', findings: [{ line: 5, message: /host's own network/ }, { line: 6, message: /kernel modules/ }] },
  ],
});
