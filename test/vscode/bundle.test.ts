// The extension bundle as esbuild.mjs writes it: small at activation, with the heavy parts
// (the shell parser, ssh2, the language client, the deploy pipeline) in chunks loaded on first use,
// every chunk it names present, and the .vsix allow-list taking the chunks along.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadedAtStart, reachableFrom, staticRequires } from './bundle-files';

const root = resolve(__dirname, '..', '..');
const dist = join(root, 'dist');
const entry = join(dist, 'extension.js');

/** Strings that only the named part's code contains, minified or not. */
const heavy = { 'the shell parser (mvdan-sh)': 'mvdan.cc/sh', 'the SSH library (ssh2)': 'SSH-2.0-ssh2js', 'the language client': 'Pier Language Server', 'the deploy command': 'Pier Deploy' };

test('activation loads less than 1 MB, and none of the shell parser, the SSH library, the language client or the deploy command', () => {
  assert.ok(existsSync(entry), 'dist/extension.js is missing: run npm run build first (npm test does)');
  const start = loadedAtStart(entry);
  assert.ok(start.bytes < 1024 * 1024, `activation loads ${start.bytes} bytes in ${start.files.length} files`);
  const text = start.files.map((f) => readFileSync(f, 'utf8')).join('\n');
  for (const [part, marker] of Object.entries(heavy)) assert.ok(!text.includes(marker), `${part} is loaded at activation`);
});

test('each heavy part is in a chunk the extension can load, and every chunk named exists', () => {
  const reachable = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (reachable.has(f)) continue;
    reachable.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const target = resolve(dirname(f), m[1]);
      assert.ok(existsSync(target), `${f} names ${m[1]}, which is missing`);
      todo.push(target);
    }
  }
  for (const [part, marker] of Object.entries(heavy)) {
    assert.ok([...reachable].some((f) => readFileSync(f, 'utf8').includes(marker)), `${part} is reachable from dist/extension.js`);
  }
});

test("no file of the extension copies VS Code's API object, and each names it before its code runs", () => {
  // esbuild.mjs turns `import * as vscode from 'vscode'` into one plain require() on the first
  // line: __toESM() would copy the API's ~350 properties once per importing module.
  for (const f of reachableFrom(entry)) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!/__toESM\(require\("vscode"\)/.test(text), `${f} wraps the vscode module in __toESM`);
    const first = text.search(/require\("vscode"\)/);
    if (first >= 0) assert.ok(!/\bvscode\d*\.\w/.test(text.slice(0, first)), `${f} uses vscode before it requires it`);
  }
});

test('lazy chunk loads are told apart from load-time ones', () => {
  const src = 'var a=require("./chunks/chunk-A.js");const d=()=>Promise.resolve().then(()=>__toESM(require("./chunks/deploy-B.js")));x=Promise.resolve().then(() => require("./c.js"))';
  assert.deepEqual(staticRequires(src), ['./chunks/chunk-A.js']);
});

test('the .vsix allow-list takes the extension, its chunks and the server, and leaves source maps and the CLI out', () => {
  const rules = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '**', 'an allow-list: everything out first');
  for (const need of ['!dist/extension.js', '!dist/chunks/*.js', '!dist/server.js']) assert.ok(rules.includes(need), `.vscodeignore keeps ${need.slice(1)}`);
  assert.ok(!rules.some((r) => /^!dist\/(\*\*|cli\.js|.*\.map|chunks-dev)/.test(r)), 'no source maps, CLI bundle or development chunks');
});
