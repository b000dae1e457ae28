import { composeRuleTable } from './tester';

composeRuleTable('service-no-restart', {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n    restart: unless-stopped\n',
    'services:\n  web:\n    image: nginx:1.27\n    restart: "no"\n',
    'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      restart_policy:\n        condition: on-failure\n',
    // Restart policy merged in from an extension field.
    'x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx:1.27\n',
    // A one-shot job that another service waits for.
    'services:\n  migrate:\n    image: app:1\n  app:\n    image: app:1\n    restart: always\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n',
    // An override file layers over compose.yaml, which may set the policy.
    { code: 'services:\n  web:\n    image: nginx:1.27\n', files: { path: '/p/compose.override.yaml' } },
    'services:\n  web:\n    extends:\n      file: base.yaml\n      service: web\n',
  ],
  invalid: [
    {
      code: 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n',
      findings: [[1, 2, 1, 5]],
      output: 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n    restart: unless-stopped\n',
    },
    {
      // Four-space indentation and a trailing comment stay as they are.
      code: 'services:\n    db:\n        image: postgres:17  # the database\n\nvolumes:\n    data:\n',
      findings: [1],
      output: 'services:\n    db:\n        image: postgres:17  # the database\n        restart: unless-stopped\n\nvolumes:\n    data:\n',
    },
    {
      // One-space indentation (as in awesome-compose/minecraft) and a block scalar at the end.
      code: 'services:\n minecraft:\n   image: itzg/minecraft-server:java21\n   command: |\n     run\n     now\n',
      findings: [1],
      output: 'services:\n minecraft:\n   image: itzg/minecraft-server:java21\n   command: |\n     run\n     now\n   restart: unless-stopped\n',
    },
    {
      code: 'services:\r\n  web:\r\n    image: nginx:1.27\r\n',
      findings: [1],
      output: 'services:\r\n  web:\r\n    image: nginx:1.27\r\n    restart: unless-stopped\r\n',
    },
    // A flow mapping gets the finding but no fix that could break its layout.
    { code: 'services:\n  web: {image: nginx:1.27}\n  db:\n    image: postgres:17\n', findings: [1, 2] },
  ],
});
