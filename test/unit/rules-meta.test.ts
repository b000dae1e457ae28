// Every registered rule has a table test, a docs page and sound metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../../server/src/analysis/registry';

const root = join(__dirname, '..', '..');
const rules = allRules();

test('rule ids are unique kebab-case names', () => {
  const ids = rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
  for (const id of ids) assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
});

for (const r of rules) {
  test(`${r.id}: metadata, table test and docs page`, () => {
    assert.ok(['size', 'security', 'edge', 'correctness'].includes(r.meta.category), 'category');
    assert.ok(['error', 'warning', 'info', 'hint'].includes(r.meta.severity), 'severity');
    assert.ok(r.meta.docs.length > 20, 'meta.docs says why it matters');
    if (r.meta.hadolint) assert.match(r.meta.hadolint, /^(DL|SC)\d{4}$/);
    const dir = r.language === 'dockerfile' ? 'rules' : 'compose';
    const testFile = join(root, 'test', 'unit', dir, `${r.id}.test.ts`);
    assert.ok(existsSync(testFile), `missing ${testFile}`);
    assert.match(readFileSync(testFile, 'utf8'), new RegExp(`['"]${r.id}['"]`), 'test file names the rule');
    const doc = join(root, 'docs', 'rules', `${r.id}.md`);
    assert.ok(existsSync(doc), `missing docs page ${doc}`);
    assert.match(readFileSync(doc, 'utf8'), new RegExp(`^# ${r.id}\\b`), 'docs page starts with the id');
  });
}
