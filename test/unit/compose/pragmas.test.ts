import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';

const BASE = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    ports:\n      - "5432:5432"\n  db:\n    image: postgres\n';

const rulesAt = (text: string, rule: string) => analyzeCompose(text).filter((f) => f.rule === rule).map((f) => f.range.start.line);

test('a pier-ignore before a key covers the whole key, nested lines included', () => {
  const text = BASE.replace('  web:\n', '  # pier-ignore service-privileged,service-no-restart -- hardware access\n  web:\n');
  assert.deepEqual(rulesAt(text, 'service-privileged'), []);
  assert.deepEqual(rulesAt(text, 'service-no-restart'), [7], 'db is not covered');
});

test('a pier-ignore before a list item covers that item only', () => {
  const text = BASE.replace('      - "5432:5432"\n', '      # pier-ignore service-privileged -- wrong rule, no effect\n      - "5432:5432"\n');
  assert.deepEqual(rulesAt(text, 'service-privileged'), [3]);
});

test('blank and comment lines between the pragma and the key are skipped', () => {
  const text = BASE.replace('  db:\n', '  # pier-ignore service-image-latest -- pinned by the deploy tool\n\n  # the database\n  db:\n');
  assert.deepEqual(rulesAt(text, 'service-image-latest'), []);
});

test('pier-ignore-file and settings turn a rule off everywhere', () => {
  assert.deepEqual(rulesAt(`# pier-ignore-file service-privileged\n${BASE}`, 'service-privileged'), []);
  assert.deepEqual(analyzeCompose(BASE, { settings: { rules: { 'service-privileged': 'off' } } }).filter((f) => f.rule === 'service-privileged'), []);
  assert.deepEqual(analyzeCompose(BASE, { settings: { categories: { size: true, security: false, edge: true, correctness: true } } }).filter((f) => f.category === 'security'), []);
  assert.equal(analyzeCompose(BASE, { settings: { rules: { 'service-privileged': 'error' } } }).find((f) => f.rule === 'service-privileged')?.severity, 'error');
});
