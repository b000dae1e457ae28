import { composeRuleTable } from './tester';

composeRuleTable('sensitive-host-mount', {
  valid: [
    // Everyday edge mounts: clock, a config folder under /etc, GPIO, kernel headers (shapes from the corpus).
    'services:\n  app:\n    image: app:1\n    volumes:\n      - /etc/localtime:/etc/localtime:ro\n      - /etc/pihole/:/etc/pihole/\n      - /sys/class/gpio:/sys/class/gpio\n      - /lib/modules:/lib/modules\n',
    'services:\n  app:\n    image: app:1\n    volumes:\n      - etc:/etc\nvolumes:\n  etc:\n',
    'services:\n  app:\n    image: app:1\n    volumes:\n      - ${DATA}:/data\n',
  ],
  invalid: [
    { code: 'services:\n  app:\n    image: app:1\n    volumes:\n      - /:/host\n', findings: [[4, 8, 4, 15]] },
    { code: 'services:\n  app:\n    image: app:1\n    volumes:\n      - /etc/:/host/etc:ro\n', findings: [{ line: 4, message: /read-only still lets it read/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    volumes:\n      - type: bind\n        source: /proc\n        target: /host/proc\n      - /root/.ssh:/root/.ssh\n', findings: [4, 7] },
  ],
});
