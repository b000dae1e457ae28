// The context walk (GNU find with pruning, and the portable walk) against a brute-force reference:
// every entry of the tree listed and lstat'ed, every non-directory judged by `ignores` alone, no
// directory skipped. Fixtures carry `!` patterns that re-include files under ignored directories,
// so a walk that prunes too eagerly fails. Also: the cache walks once, and file events inside
// ignored directories do not start walks.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContextIndex } from '../../../server/src/analysis/size/types';
import { ContextCache } from '../../../server/src/size/context-cache';
import { walkContext } from '../../../server/src/size/context-walk';
import { compileDockerignore } from '../../../server/src/size/dockerignore-match';

const root = mkdtempSync(join(tmpdir(), 'pier-walk-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A tree with sources, dependencies, build output, nested names that look like ignored ones, a
// symlink and an empty file; sizes differ per file so a wrong selection changes the byte total.
const tree: string[] = [
  'Dockerfile',
  'README.md',
  'CHANGES.md',
  'docs/guide.md',
  'docs/keep.md',
  'src/main.ts',
  'src/main.js.map',
  'src/lib/util.ts',
  'src/lib/util.js.map',
  'src/a/gen/x.ts',
  'src/a/b/gen/y.ts',
  'src/node_modules/inner.js',
  'node_modules/left-pad/index.js',
  'node_modules/left-pad/LICENSE',
  'node_modules/big/lib/a.js',
  'node_modules/big/lib/b.js',
  'dist/app.js',
  'dist/keep/app.d.ts',
  'dist/keep/deep/more.d.ts',
  'dist/drop/x.js',
  'vendor/x/LICENSE',
  'vendor/x/code.c',
  'vendor/y/z/LICENSE',
  '.git/HEAD',
  '.git/objects/aa/bb',
  'logs/today.log',
  'empty.txt',
];
tree.forEach((rel, i) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), rel === 'empty.txt' ? '' : 'x'.repeat(10 + i * 7));
});
mkdirSync(join(root, 'emptydir'));
symlinkSync('src/main.ts', join(root, 'link-to-main'));

/** Every non-directory entry, judged one by one: what the builder would send. */
function reference(ignoreText: string | null): ContextIndex {
  const ig = compileDockerignore(ignoreText);
  const files: Array<{ path: string; size: number }> = [];
  const visit = (rel: string) => {
    for (const d of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) visit(path);
      else if (!ig.ignores(path)) files.push({ path, size: d.isFile() ? lstatSync(join(root, path)).size : 0 });
    }
  };
  visit('');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, files, totalBytes: files.reduce((n, f) => n + f.size, 0), ignoredFiles: 0 };
}

const ignores: Array<[name: string, text: string | null, mustKeep: string[], mustDrop: string[]]> = [
  ['none', null, ['node_modules/big/lib/a.js', 'link-to-main', 'empty.txt'], []],
  ['plain excludes', 'node_modules\ndist\n**/*.map\n.git\n', ['src/node_modules/inner.js', 'src/main.ts'], ['dist/app.js', 'src/lib/util.js.map', '.git/HEAD']],
  ['re-include under ignored dirs', 'dist\n!dist/keep/**\nnode_modules\n!node_modules/*/LICENSE\n*.md\n!README.md\n', ['dist/keep/deep/more.d.ts', 'node_modules/left-pad/LICENSE', 'README.md', 'docs/guide.md'], ['dist/drop/x.js', 'dist/app.js', 'node_modules/big/lib/a.js', 'CHANGES.md']],
  ['deep negation', 'vendor\n!vendor/**/LICENSE\n**/gen\n', ['vendor/x/LICENSE', 'vendor/y/z/LICENSE'], ['vendor/x/code.c', 'src/a/gen/x.ts', 'src/a/b/gen/y.ts']],
  ['negation anywhere', '*\n!**/*.ts\n', ['src/main.ts', 'dist/keep/app.d.ts'], ['Dockerfile', 'README.md', 'src/main.js.map']],
  ['single-segment wildcards', 'src/*/gen\n/logs\n.git\n!.git/HEAD\n', ['src/a/b/gen/y.ts', '.git/HEAD'], ['src/a/gen/x.ts', 'logs/today.log', '.git/objects/aa/bb']],
];

for (const [name, text, keep, drop] of ignores) {
  test(`walk equals the brute-force reference: ${name}`, async () => {
    const ref = reference(text);
    const kept = new Set(ref.files.map((f) => f.path));
    // The fixture means what it says: the reference keeps and drops the files named.
    for (const k of keep) assert.ok(kept.has(k), `reference keeps ${k}`);
    for (const d of drop) assert.ok(!kept.has(d), `reference drops ${d}`);
    for (const portable of [false, true]) {
      const got = await walkContext(root, text, { portable });
      assert.deepEqual(got.files, ref.files, `${portable ? 'portable' : 'find'} walk`);
      assert.equal(got.totalBytes, ref.totalBytes);
    }
  });
}

test('a symlink counts as an entry of size 0 and is not followed', async () => {
  const idx = await walkContext(root, null);
  assert.deepEqual(idx.files.find((f) => f.path === 'link-to-main'), { path: 'link-to-main', size: 0 });
});

test('maxFiles and a missing root fail with a reason, in both walks', async () => {
  for (const portable of [false, true]) {
    await assert.rejects(walkContext(root, null, { maxFiles: 5, portable }), /more than 5 files/);
    await assert.rejects(walkContext(join(root, 'no-such-dir'), null, { portable }), /cannot read the build context|no-such-dir/);
  }
});

test('cache: one walk for many reads, file events re-walk only for paths in the context', async () => {
  const events: string[] = [];
  const cache = new ContextCache({ onChange: (r) => events.push(r) });
  cache.watched = true;
  const text = 'node_modules\ndist\n!dist/keep/**\n';
  const first = await cache.ready(root, text);
  assert.ok('files' in first);
  for (let i = 0; i < 50; i++) cache.get(root, text);
  assert.equal(cache.walks, 1);
  // Outside the context, and inside an ignored directory no ! pattern reaches: no walk.
  cache.changed(join(tmpdir(), 'elsewhere.txt'));
  cache.changed(join(root, 'node_modules/big/lib/a.js'));
  cache.changed(join(root, 'node_modules'));
  cache.get(root, text);
  assert.equal(cache.walks, 1);
  // Inside an ignored directory that a ! pattern reaches into: walk again.
  cache.changed(join(root, 'dist'));
  await cache.ready(root, text);
  assert.equal(cache.walks, 2);
  // A kept file: walk again, and the new index sees the new size.
  writeFileSync(join(root, 'src/main.ts'), 'y'.repeat(5000));
  cache.changed(join(root, 'src/main.ts'));
  const after = await cache.ready(root, text);
  assert.equal(cache.walks, 3);
  assert.ok('files' in after && after.files.find((f) => f.path === 'src/main.ts')?.size === 5000);
  // A new .dockerignore text is a new walk without any event.
  await cache.ready(root, text + '*.md\n');
  assert.equal(cache.walks, 4);
  assert.equal(events.length, 4);
});
