// dist/server.js starts the server bundle with V8's code cache (server/src/server-start.ts): the
// first start writes a cache per file (the bundle, and the shell parser once it loads), later
// starts use it, a cache V8 rejects is replaced, and a cache directory that cannot be written
// costs nothing but the cache. Each case is a real server process over stdio.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitNotification } from 'vscode-languageserver-protocol/node';
import { overStdio } from './harness';

const ROOT = resolve(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');
const saved = { xdg: process.env.XDG_CACHE_HOME, node: process.env.NODE_COMPILE_CACHE };
let home: string;

before(() => {
  if (!existsSync(SERVER)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  home = mkdtempSync(join(tmpdir(), 'pier-server-start-'));
  // The server process inherits these: its cache goes to a directory of this test's own.
  delete process.env.NODE_COMPILE_CACHE;
});

after(() => {
  for (const [k, v] of [['XDG_CACHE_HOME', saved.xdg], ['NODE_COMPILE_CACHE', saved.node]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(home, { recursive: true, force: true });
});

/** One server session: open a Dockerfile, wait for its complete diagnostics, shut down; returns their codes. */
async function session(): Promise<string[]> {
  const { client: c, exited, stderr } = overStdio(SERVER);
  try {
    await c.initialize();
    const uri = 'file:///start/Dockerfile';
    await c.open(uri, 'FROM debian\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n');
    const p = await c.diagnostics(uri, { version: 1, where: (x) => x.diagnostics.some((d) => d.code === 'apt-no-install-recommends') });
    await c.shutdown();
    await c.conn.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0, stderr());
    return p.diagnostics.map((d) => String(d.code)).sort();
  } finally {
    c.dispose();
  }
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

test('the first start writes a code cache for the bundle and the shell parser; the next start uses it unchanged', async () => {
  process.env.XDG_CACHE_HOME = join(home, 'a');
  const dir = join(home, 'a', 'pier', 'server-code');
  const first = await session();
  const files = cacheFiles(dir);
  assert.equal(files.length, 2, files.join(', '));
  assert.match(files[0], /^server-main-[0-9a-f]{24}\.v8$/);
  assert.match(files[1], /^shell-parser-[0-9a-f]{24}\.v8$/);
  const mtimes = files.map((f) => statSync(join(dir, f)).mtimeMs);
  // An accepted cache is not written again.
  assert.deepEqual(await session(), first);
  assert.deepEqual(cacheFiles(dir), files);
  assert.deepEqual(files.map((f) => statSync(join(dir, f)).mtimeMs), mtimes);
});

test('a cache V8 rejects is replaced, and the server works the same', async () => {
  process.env.XDG_CACHE_HOME = join(home, 'b');
  const dir = join(home, 'b', 'pier', 'server-code');
  const expected = await session();
  const files = cacheFiles(dir);
  for (const f of files) writeFileSync(join(dir, f), Buffer.alloc(4096, 7));
  assert.deepEqual(await session(), expected);
  assert.deepEqual(cacheFiles(dir), files);
  for (const f of files) assert.ok(statSync(join(dir, f)).size > 100_000, `${f} was written anew`);
});

test('a cache directory that cannot be made costs only the cache', async () => {
  // XDG_CACHE_HOME is a file, so nothing can be created under it.
  const file = join(home, 'not-a-dir');
  writeFileSync(file, '');
  process.env.XDG_CACHE_HOME = file;
  const codes = await session();
  assert.ok(codes.includes('apt-no-install-recommends'));
});

test('the client names the directory: NODE_COMPILE_CACHE', async () => {
  process.env.XDG_CACHE_HOME = join(home, 'unused');
  process.env.NODE_COMPILE_CACHE = join(home, 'storage', 'server-compile-cache');
  try {
    await session();
  } finally {
    delete process.env.NODE_COMPILE_CACHE;
  }
  assert.equal(cacheFiles(join(home, 'storage', 'server-compile-cache', 'pier-server')).length, 2);
  assert.deepEqual(cacheFiles(join(home, 'unused')), []);
});
