// The run step's VS Code contributions agree with the command table: each container action and
// the rollback command is declared in package.json with the table's title, icon and palette
// clause, shows on the device tree's container items (or device items), and pier.json gets its
// schema through jsonValidation.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    jsonValidation?: { fileMatch: string | string[]; url: string }[];
  };
};
const table = readFileSync('client/src/commands/table.ts', 'utf8');
const IDS = ['pier.containerStart', 'pier.containerStop', 'pier.containerRestart', 'pier.containerRemove', 'pier.containerInspect', 'pier.containerShell', 'pier.rollback'];

test('every run command is in the table and in package.json with the same title and icon', () => {
  for (const id of IDS) {
    const row = new RegExp(`\\{ id: '${id.replace('.', '\\.')}', title: '([^']+)', icon: '([^']+)', palette: TRUSTED, trusted: true,`).exec(table);
    assert.ok(row, `${id} in table.ts`);
    const c = pkg.contributes.commands.find((x) => x.command === id);
    assert.deepEqual([c?.title, c?.icon], [row[1], row[2]], id);
    assert.equal(pkg.contributes.menus.commandPalette.find((m) => m.command === id)?.when, 'isWorkspaceTrusted', id);
  }
});

test('container actions show on container items only, in a trusted workspace; rollback on device items', () => {
  const ctx = pkg.contributes.menus['view/item/context'];
  for (const id of IDS.filter((i) => i.startsWith('pier.container'))) {
    const entries = ctx.filter((m) => m.command === id);
    assert.ok(entries.length > 0, id);
    for (const m of entries) assert.equal(m.when, 'view == pier.devices && viewItem == pier.container && isWorkspaceTrusted', id);
  }
  assert.match(ctx.find((m) => m.command === 'pier.rollback')?.when ?? '', /viewItem =~ \/\^pier\\\.device\/ && isWorkspaceTrusted/);
  // The tree gives container items the id the actions read.
  assert.match(readFileSync('client/src/views/devices-tree.ts', 'utf8'), /item\.id = JSON\.stringify\(\['pier\.container', d\.name, c\.name\]\)/);
});

test('pier.json is validated with the run schema', () => {
  const v = pkg.contributes.jsonValidation?.find((j) => [j.fileMatch].flat().includes('pier.json'));
  assert.ok(v, 'a jsonValidation entry for pier.json');
  assert.ok(existsSync(v.url), v.url);
  assert.equal((JSON.parse(readFileSync(v.url, 'utf8')) as { $schema?: string }).$schema !== undefined, true);
});
