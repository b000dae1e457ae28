// The .dockerignore matcher against hand-worked cases of BuildKit's rules (last match wins, `!`
// re-includes, a matching leading directory takes its contents along), and the two shortcuts the
// context walk takes: `sealed` (no `!` pattern reaches below a directory) and the exclude
// patterns handed to GNU find for pruning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { compileDockerignore } from '../../../server/src/size/dockerignore-match';

const cases: Array<[ignore: string, path: string, ignored: boolean]> = [
  ['node_modules', 'node_modules', true],
  ['node_modules', 'node_modules/a/b.js', true],
  ['node_modules', 'src/node_modules/x.js', false],
  ['**/node_modules', 'src/node_modules/x.js', true],
  ['**/node_modules', 'node_modules/x.js', true],
  ['*.md\n!README.md', 'README.md', false],
  ['*.md\n!README.md', 'CHANGES.md', true],
  // `*` does not cross `/`: a root pattern leaves nested files alone.
  ['*.md', 'docs/a.md', false],
  ['**/*.map', 'a/b/c.js.map', true],
  ['**/*.map', 'a/b/c.js', false],
  ['/build', 'build/out.o', true],
  ['./build/', 'build/out.o', true],
  ['docs\n!docs/keep.md', 'docs/keep.md', false],
  ['docs\n!docs/keep.md', 'docs/other.md', true],
  // Any leading directory counts, at any depth (BuildKit), not only at the pattern's own depth.
  ['**/foo', 'a/b/foo/y.txt', true],
  ['# a comment\n\n  tmp  ', 'tmp/x', true],
  ['# a comment', '# a comment', false],
  ['a?c', 'abc', true],
  ['a?c', 'abbc', false],
  ['a?c', 'a/c', false],
  // Last match wins.
  ['!x\nx', 'x', true],
  ['x\n!x', 'x', false],
  ['x\n!x\nx/y', 'x/y/z', true],
  ['dist\n!dist/keep/**', 'dist/keep/a/b.txt', false],
  ['dist\n!dist/keep/**', 'dist/drop/b.txt', true],
  ['src/*/gen', 'src/a/gen/x.ts', true],
  ['src/*/gen', 'src/a/b/gen/x.ts', false],
  ['src/**/gen', 'src/a/b/gen/x.ts', true],
  ['a+b(c)', 'a+b(c)', true],
  ['', 'anything', false],
];

test('ignores: BuildKit rules on hand-worked cases', () => {
  for (const [ignore, path, ignored] of cases) {
    assert.equal(compileDockerignore(ignore).ignores(path), ignored, `${JSON.stringify(ignore)} on ${path}`);
  }
});

test('ignoresIn with directory masks agrees with ignores for every case', () => {
  for (const [ignore, path] of cases) {
    const ig = compileDockerignore(ignore);
    let mask: Uint8Array | undefined;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) mask = ig.dirMask(parts.slice(0, i).join('/'), mask);
    assert.equal(ig.ignoresIn(mask, path), ig.ignores(path), `${JSON.stringify(ignore)} on ${path}`);
  }
});

test('sealed: only when no ! pattern can match below the directory', () => {
  const none = compileDockerignore('dist\nnode_modules');
  assert.equal(none.negations, false);
  assert.equal(none.sealed('dist'), true);
  const ig = compileDockerignore('dist\nnode_modules\n!dist/keep.txt\n!src/*/gen/*.ts');
  assert.equal(ig.negations, true);
  assert.equal(ig.sealed('dist'), false);
  assert.equal(ig.sealed('node_modules'), true);
  // dist/keep.txt is one segment deeper than dist, none deeper than dist/sub.
  assert.equal(ig.sealed('dist/sub'), true);
  assert.equal(ig.sealed('src/a'), false);
  assert.equal(ig.sealed('src/a/gen'), false);
  assert.equal(ig.sealed('src/a/other'), true);
  assert.equal(ig.sealed('lib'), true);
  // `**` in a ! pattern can reach anywhere its leading segments allow.
  const deep = compileDockerignore('build\n!**/keep');
  assert.equal(deep.sealed('build'), false);
  const scoped = compileDockerignore('build\nvendor\n!vendor/**/LICENSE');
  assert.equal(scoped.sealed('build'), true);
  assert.equal(scoped.sealed('vendor'), false);
  // Classes and escapes are not compared segment by segment: never sealed.
  assert.equal(compileDockerignore('x\n![ab]/y').sealed('x'), false);
});

test('prunableRegexps: exclude patterns no ! pattern meets, as find regexps', () => {
  assert.deepEqual(compileDockerignore('node_modules\n**/*.map').prunableRegexps(), ['\\./node_modules', '\\./(.*/)?[^/]*\\.map']);
  assert.deepEqual(compileDockerignore('node_modules\ndist\n!dist/keep').prunableRegexps(), ['\\./node_modules']);
  // A deep pattern is only handed over when there are no ! patterns at all.
  assert.deepEqual(compileDockerignore('**/tmp\nlogs\n!src/x').prunableRegexps(), ['\\./logs']);
  assert.deepEqual(compileDockerignore('node_modules\n!**/keep').prunableRegexps(), []);
  assert.deepEqual(compileDockerignore('[ab]dir\nc\\*d').prunableRegexps(), []);
});

test('find accepts the prune regexps and prunes what the matcher would skip', { skip: process.platform === 'win32' }, () => {
  const ig = compileDockerignore('node_modules\n**/*.map\nsrc/*/gen\na+b');
  const re = ig.prunableRegexps();
  const dirs = ['node_modules', 'x/node_modules', 'a/b.map', 'b.map', 'src/p/gen', 'src/p/q/gen', 'a+b', 'aab'];
  const make = dirs.map((d) => `mkdir -p "$T/${d}"`).join('; ');
  // find's own regexp engine (POSIX ERE) on a real tree.
  const found = execFileSync('sh', ['-c', `T=$(mktemp -d); ${make}; cd "$T"; find . -mindepth 1 -regextype posix-extended -type d -regex '(${re.join('|')})' -prune -print; rm -rf "$T"`]).toString();
  const pruned = found.trim().split('\n').sort();
  assert.deepEqual(pruned, ['./a+b', './a/b.map', './b.map', './node_modules', './src/p/gen']);
  for (const d of dirs) assert.equal(pruned.includes(`./${d}`), ig.ignores(d) && ig.sealed(d), d);
});
