import { composeRuleTable } from './tester';

// A billion-laughs document: each level repeats the previous one nine times.
const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`))
  .join('\n');

composeRuleTable('yaml-syntax', {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n',
    '# only a comment\n',
    '',
    // Anchors, aliases and merge keys are ordinary YAML.
    'x-env: &env\n  TZ: UTC\nservices:\n  web:\n    image: nginx:1.27\n    environment:\n      <<: *env\n      MODE: prod\n',
  ],
  invalid: [
    { code: 'services:\n  web:\n    image: [nginx\n', findings: [{ line: 3, message: /Flow sequence|end with a \]/ }] },
    { code: 'services:\n\tweb:\n\t\timage: nginx\n', findings: [{ line: 1, message: /Tabs are not allowed/ }, { line: 2, message: /Tabs/ }] },
    { code: 'services:\n  web:\n    image: nginx\n    image: httpd\n', findings: [[3, 4, 3, 9]] },
    { code: '- web\n- db\n', findings: [{ line: 0, message: /mapping of top-level keys.*not a list/ }] },
    { code: 'services:\n  web:\n    image: *missing\n', findings: [{ line: 2, message: /alias/i }] },
    { code: `${bomb}\nservices:\n  web:\n    image: nginx\n`, findings: [{ line: 4, message: /alias bomb/ }] },
  ],
});
