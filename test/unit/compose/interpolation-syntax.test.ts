import { composeRuleTable } from './tester';

composeRuleTable('interpolation-syntax', {
  valid: [
    'services:\n  app:\n    image: app:${TAG:-1.0}\n    environment:\n      A: ${X-default}\n      B: ${Y:?Y is required}\n      C: ${Z:+set}\n',
    "services:\n  db:\n    image: mariadb:11.4\n    healthcheck:\n      test: ['CMD-SHELL', 'mysqladmin ping --password=\"$$(cat /run/secrets/db-password)\"']\n",
    'services:\n  app:\n    image: app:1\n    environment:\n      NESTED: ${A:-${B:-plain}}\n      PRICE: "$$5"\n',
    // Keys are not interpolated.
    'services:\n  app:\n    image: app:1\n    labels:\n      $weird: ok\n',
  ],
  invalid: [
    {
      code: 'services:\n  app:\n    image: app:1\n    command: echo $1\n',
      findings: [[3, 18, 3, 19]],
      output: 'services:\n  app:\n    image: app:1\n    command: echo $$1\n',
    },
    { code: 'services:\n  app:\n    image: app:${TAG\n', findings: [{ line: 2, message: /Unclosed/ }] },
    { code: 'services:\n  app:\n    image: app:1\n    environment:\n      - "A=${1abc}"\n      - B=${X!y}\n', findings: [4, 5] },
    {
      code: "services:\n  db:\n    image: mariadb:11.4\n    healthcheck:\n      test: ['CMD-SHELL', 'mysqladmin ping -p$(cat /run/secrets/pw)']\n",
      findings: [4],
      output: "services:\n  db:\n    image: mariadb:11.4\n    healthcheck:\n      test: ['CMD-SHELL', 'mysqladmin ping -p$$(cat /run/secrets/pw)']\n",
    },
  ],
});
