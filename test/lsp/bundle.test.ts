// The shipped bundle over stdio: `node dist/server.js --stdio` as the editor runs it. Builds the
// bundle first when it is missing (`npm test` builds it anyway).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CodeActionRequest, CompletionRequest, ExitNotification, type CodeAction } from 'vscode-languageserver-protocol/node';
import { lspFrames, overStdio } from './harness';

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
    const p = await c.diagnostics(uri, { version: 1 });
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
