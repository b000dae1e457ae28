import { composeRuleTable } from './tester';

composeRuleTable('service-privileged', {
  valid: [
    'services:\n  app:\n    image: app:1\n    privileged: false\n',
    'services:\n  app:\n    image: app:1\n    cap_add:\n      - SYS_RAWIO\n',
    // Privileged builds are a build-time matter, not the running container's.
    'services:\n  app:\n    build:\n      context: .\n      privileged: true\n',
    'services:\n  app:\n    image: app:1\n    privileged: ${PRIVILEGED:-false}\n',
  ],
  invalid: [
    {
      code: 'services:\n  app:\n    image: app:1\n    privileged: true\n    restart: always\n',
      findings: [[3, 16, 3, 20]],
      output: 'services:\n  app:\n    image: app:1\n    cap_add:\n      - SYS_RAWIO\n    restart: always\n',
    },
    {
      // The second fix grants NET_ADMIN instead.
      code: 'services:\n  vpn:\n    image: vpn:1\n    privileged: "true"\n',
      findings: [3],
      fix: 1,
      output: 'services:\n  vpn:\n    image: vpn:1\n    cap_add:\n      - NET_ADMIN\n',
    },
    {
      // An existing cap_add list gets the capability; the privileged line goes.
      code: 'services:\n  app:\n    image: app:1\n    privileged: true\n    cap_add:\n      - NET_BIND_SERVICE\n',
      findings: [3],
      output: 'services:\n  app:\n    image: app:1\n    cap_add:\n      - NET_BIND_SERVICE\n      - SYS_RAWIO\n',
    },
    {
      // Lists written flush with their key keep that layout.
      code: 'services:\n  app:\n    image: app:1\n    ports:\n    - "8080:80"\n    privileged: true\n',
      findings: [5],
      output: 'services:\n  app:\n    image: app:1\n    ports:\n    - "8080:80"\n    cap_add:\n    - SYS_RAWIO\n',
    },
  ],
});
