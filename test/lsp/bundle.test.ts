// The shipped bundle over stdio: `node dist/server.js --stdio` as the editor runs it. Builds the
// bundle first when it is missing (`npm test` builds it anyway).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CancellationTokenSource,
  CodeActionRequest,
  CompletionRequest,
  ExitNotification,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
  type CodeAction,
} from 'vscode-languageserver-protocol/node';
import { fullChange, lspFrames, overStdio } from './harness';

const ROOT = resolve(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');

before(() => {
  if (!existsSync(SERVER)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

test('bundle over stdio: initialize, first diagnostics, a code action, completion, clean shutdown and exit, stdout only protocol', async () => {
  const { client: c, exited, stderr, stdout } = overStdio(SERVER, { config: () => ({ enable: true }) });
  try {
    const init = await c.initialize();
    assert.equal(init.serverInfo?.name, 'pier');
    const uri = 'file:///bundle/Dockerfile';
    await c.open(uri, 'FROM debian:12.5\nRUN apt-get update && apt-get install -y curl\n');
    // The complete set: a first round without the rules that read RUN scripts may come before it.
    const p = await c.diagnostics(uri, { version: 1, where: (x) => x.diagnostics.some((y) => y.code === 'apt-no-install-recommends') });
    const d = p.diagnostics.find((x) => x.code === 'apt-no-install-recommends');
    assert.ok(d, 'first diagnostics include the apt finding');
    assert.match(d.codeDescription!.href, /\/docs\/rules\/apt-no-install-recommends\.md$/);
    assert.ok(d.codeDescription!.href.startsWith('file://'));

    const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Add --no-install-recommends'), titles.join(', '));
    assert.ok(titles.includes('Ignore apt-no-install-recommends on this line'));
    assert.ok(titles.includes('Ignore apt-no-install-recommends in this file'));

    const completion = await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.ok((Array.isArray(completion) ? completion : completion!.items).some((i) => i.label === 'FROM'));

    await c.shutdown();
    await c.conn.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0, `exit code after shutdown+exit; stderr: ${stderr()}`);
    // Everything the server wrote to stdout is protocol: no stray console output.
    const frames = lspFrames(stdout());
    assert.ok(frames.length >= 4, `${frames.length} frames`);
  } finally {
    c.dispose();
  }
});

test('bundle over stdio: the first diagnostics go out before the shell parser loads, then the complete set adds to them', async () => {
  const { client: c, exited } = overStdio(SERVER);
  try {
    await c.initialize();
    const uri = 'file:///bundle/first-round/Dockerfile';
    await c.open(uri, 'FROM debian\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\nCMD /app/run\n');
    const complete = await c.diagnostics(uri, { version: 1, where: (p) => p.diagnostics.some((d) => d.code === 'apt-no-install-recommends') });
    const rounds = c.published.filter((p) => p.uri === uri);
    assert.equal(rounds.length, 2, `a first round, then the complete set: ${JSON.stringify(rounds.map((p) => p.diagnostics.map((d) => d.code)))}`);
    const [first] = rounds;
    assert.equal(first.version, 1);
    assert.ok(first.diagnostics.length > 0, 'the first round has the findings that need no shell parse');
    assert.ok(!first.diagnostics.some((d) => d.code === 'apt-no-install-recommends' || d.code === 'apt-lists-not-cleaned'), 'rules that read RUN scripts wait for the parser');
    // Nothing shown in the first round disappears: the complete set only adds.
    const key = (d: (typeof first.diagnostics)[number]) => JSON.stringify([d.code, d.range, d.message, d.severity]);
    const all = new Set(complete.diagnostics.map(key));
    for (const d of first.diagnostics) assert.ok(all.has(key(d)), `kept: ${key(d)}`);
    // With the parser loaded, an edit gets one complete publish.
    await c.change(uri, 2, fullChange('FROM debian\nRUN apk add curl\n'));
    const next = await c.diagnostics(uri, { version: 2 });
    assert.ok(next.diagnostics.some((d) => d.code === 'apk-no-cache'), JSON.stringify(next.diagnostics.map((d) => d.code)));
    await c.shutdown();
    await c.conn.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0);
  } finally {
    c.dispose();
  }
});

test('bundle over stdio: a settings change, and a cancelled request', async () => {
  let rules: Record<string, string> = {};
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { client: c, exited } = overStdio(SERVER, { config: (item) => (item.scopeUri?.includes('held') ? gate.then(() => ({ rules })) : { rules }) });
  try {
    await c.initialize();
    const uri = 'file:///bundle/settings/Dockerfile';
    await c.open(uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
    await c.diagnostics(uri, { version: 1, where: (p) => p.diagnostics.some((d) => d.code === 'apt-no-install-recommends') });
    const before = c.published.length;
    rules = { 'apt-no-install-recommends': 'off' };
    await c.configChanged({ pier: { lint: { rules } } });
    const after = await c.diagnostics(uri, { where: (p) => c.published.indexOf(p) >= before });
    assert.ok(!after.diagnostics.some((d) => d.code === 'apt-no-install-recommends'), 'rule turned off by the new settings');

    // The hover waits for settings the client holds back until after the cancel.
    const held = 'file:///bundle/held/Dockerfile';
    await c.open(held, 'FROM debian:12.5\n');
    await c.waitFor('settings request', () => c.configRequests.find((i) => i.scopeUri === held));
    const source = new CancellationTokenSource();
    const hover = c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: held }, position: { line: 0, character: 1 } }, source.token);
    source.cancel();
    release();
    await assert.rejects(hover, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
    await c.diagnostics(held, { version: 1 });
    await c.shutdown();
    await c.conn.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0);
  } finally {
    c.dispose();
  }
});

test('bundle over stdio: exit without shutdown ends with code 1, and a closed stdin ends the server', async () => {
  const a = overStdio(SERVER);
  try {
    await a.client.initialize();
    await a.client.conn.sendNotification(ExitNotification.type);
    assert.equal(await a.exited, 1);
  } finally {
    a.client.dispose();
  }
  const b = overStdio(SERVER);
  try {
    await b.client.initialize();
    b.child.stdin!.end();
    assert.notEqual(await b.exited, null, 'the server exits when its client goes away');
  } finally {
    b.client.dispose();
  }
});

test('bundle: every file the server requires next to it exists and is in the .vsix allow-list', () => {
  const starter = readFileSync(SERVER, 'utf8');
  const main = readFileSync(join(ROOT, 'dist', 'server-main.js'), 'utf8');
  assert.match(starter, /"server-main\.js"/, 'dist/server.js starts dist/server-main.js');
  const local = [...new Set([...main.matchAll(/require\("\.\/([^"]+)"\)/g)].map((m) => m[1])), 'server-main.js'];
  assert.ok(local.includes('shell-parser.js'), `the shell parser is a file of its own: ${local.join(', ')}`);
  assert.ok(!main.includes('mvdan.cc/sh'), 'mvdan-sh is not inside the server bundle');
  // dist/server.js compiles these with vm.Script, which has no loader for import() on Node 20.
  for (const f of ['server-main.js', 'shell-parser.js']) assert.ok(!/[^\w.$]import\(/.test(readFileSync(join(ROOT, 'dist', f), 'utf8')), `no import() in dist/${f}`);
  const rules = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const f of local) {
    assert.ok(existsSync(join(ROOT, 'dist', f)), `dist/${f} exists`);
    assert.ok(rules.includes(`!dist/${f}`), `.vscodeignore keeps dist/${f}`);
  }
});
