// Diagnostics over the protocol, in-process: on open, after incremental changes, with settings
// from workspace/configuration and .hadolint.yaml, side files, debounce and version ordering.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, FileChangeType, DidChangeWatchedFilesNotification, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { documentKinds, type DocumentKind, type SideFiles } from '../../server/src/features/languages';
import { inProcess, fullChange } from './harness';

const RULE = 'apt-no-install-recommends';
const APT = 'FROM debian:12.5\nRUN apt-get update && apt-get install -y curl\n';
const has = (p: PublishDiagnosticsParams, code = RULE) => p.diagnostics.some((d) => d.code === code);

test('initialize announces the features', async () => {
  const c = await inProcess();
  try {
    const caps = c.initializeResult!.capabilities;
    assert.equal(typeof caps.textDocumentSync === 'object' && caps.textDocumentSync.change, 2, 'incremental sync');
    assert.ok(caps.codeActionProvider && caps.hoverProvider && caps.documentSymbolProvider && caps.completionProvider);
    assert.deepEqual(caps.completionProvider!.triggerCharacters, ['-', '=', ',']);
    assert.equal(c.initializeResult!.serverInfo?.name, 'pier');
  } finally {
    c.dispose();
  }
});

test('diagnostics on open carry rule id, docs link, source and version', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///work/app/Dockerfile';
    await c.open(uri, APT, 7);
    const p = await c.diagnostics(uri, { version: 7 });
    const d = p.diagnostics.find((x) => x.code === RULE);
    assert.ok(d, 'the apt finding is published');
    assert.equal(d.source, 'pier');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.match(d.codeDescription!.href, /^file:\/\/.*\/docs\/rules\/apt-no-install-recommends\.md$/);
    assert.deepEqual(d.range.start, { line: 1, character: 22 });
    // The server asked for this document's settings, scoped to its URI.
    assert.deepEqual(c.configRequests[0], { scopeUri: uri, section: 'pier.lint' });
  } finally {
    c.dispose();
  }
});

test('an incremental change re-analyses and publishes for the new version', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///work/inc/Dockerfile';
    await c.open(uri, APT);
    assert.ok(has(await c.diagnostics(uri, { version: 1 })));
    // Insert the flag right after `install`.
    await c.change(uri, 2, [{ range: { start: { line: 1, character: 37 }, end: { line: 1, character: 37 } }, text: ' --no-install-recommends' }]);
    const p = await c.diagnostics(uri, { version: 2 });
    assert.ok(!has(p), 'finding gone after the fix was typed');
    // And back: delete it again.
    await c.change(uri, 3, [{ range: { start: { line: 1, character: 37 }, end: { line: 1, character: 61 } }, text: '' }]);
    assert.ok(has(await c.diagnostics(uri, { version: 3 })));
    // Settings were fetched once for the document and then served from the cache.
    assert.equal(c.configRequests.filter((i) => i.scopeUri === uri).length, 1);
  } finally {
    c.dispose();
  }
});

test('a settings change (workspace/configuration + didChangeConfiguration) changes diagnostics', async () => {
  let rules: Record<string, string> = {};
  const c = await inProcess({ config: () => ({ enable: true, rules }) });
  try {
    const uri = 'file:///work/settings/Dockerfile';
    await c.open(uri, APT);
    assert.ok(has(await c.diagnostics(uri, { version: 1 })));
    const before = c.published.length;
    rules = { DL3015: 'off' };
    await c.configChanged({ pier: { lint: { rules } } });
    const off = await c.diagnostics(uri, { where: (p) => c.published.indexOf(p) >= before });
    assert.ok(!has(off), 'rule off by its hadolint code');
    const mid = c.published.length;
    rules = { [RULE]: 'error' };
    await c.configChanged();
    const err = await c.diagnostics(uri, { where: (p) => c.published.indexOf(p) >= mid });
    assert.equal(err.diagnostics.find((d) => d.code === RULE)?.severity, DiagnosticSeverity.Error);
    assert.equal(c.configRequests.filter((i) => i.scopeUri === uri).length, 3, 'cache dropped on each change');
  } finally {
    c.dispose();
  }
});

test('pier.lint.enable=false publishes nothing for the document', async () => {
  const c = await inProcess({ config: () => ({ enable: false }) });
  try {
    const uri = 'file:///work/off/Dockerfile';
    await c.open(uri, APT);
    assert.deepEqual((await c.diagnostics(uri, { version: 1 })).diagnostics, []);
  } finally {
    c.dispose();
  }
});

test('.hadolint.yaml upwards inside the workspace folder applies, and file changes re-analyse', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pier-lsp-'));
  try {
    const ws = join(root, 'ws');
    mkdirSync(join(ws, 'svc', 'api'), { recursive: true });
    // Outside the folder: must be ignored.
    writeFileSync(join(root, '.hadolint.yaml'), 'ignored: [DL3015]\n');
    const docPath = join(ws, 'svc', 'api', 'Dockerfile');
    writeFileSync(docPath, APT);
    const uri = pathToFileURL(docPath).href;
    const c = await inProcess({ workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }], config: () => ({}) });
    try {
      await c.waitFor('file watcher registration', () => c.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method));
      await c.open(uri, APT);
      assert.ok(has(await c.diagnostics(uri, { version: 1 })), 'config outside the folder not used');
      writeFileSync(join(ws, 'svc', '.hadolint.yml'), 'ignored:\n  - DL3015\n');
      const before = c.published.length;
      await c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(ws, 'svc', '.hadolint.yml')).href, type: FileChangeType.Created }] });
      const p = await c.diagnostics(uri, { where: (x) => c.published.indexOf(x) >= before });
      assert.ok(!has(p), 'ignored by the nearest .hadolint.yml');
    } finally {
      c.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('.dockerignore next to the Dockerfile reaches analysis; untitled documents get undefined', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pier-lsp-'));
  const seen: Array<{ text: string; files: SideFiles }> = [];
  const spy: DocumentKind = {
    ...documentKinds[0],
    analyze: (text, settings, files, log) => {
      seen.push({ text, files });
      return documentKinds[0].analyze(text, settings, files, log);
    },
  };
  try {
    writeFileSync(join(root, '.dockerignore'), '.git\nnode_modules\n');
    writeFileSync(join(root, 'web.Dockerfile.dockerignore'), 'specific\n');
    mkdirSync(join(root, 'bare'));
    const c = await inProcess({ workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'r' }], server: { kinds: [spy] } });
    try {
      const open = async (uri: string, marker: string) => {
        await c.open(uri, `# ${marker}\nFROM alpine:3.20\n`);
        await c.diagnostics(uri, { version: 1 });
        return seen.find((s) => s.text.includes(marker))!.files;
      };
      assert.equal((await open(pathToFileURL(join(root, 'Dockerfile')).href, 'plain')).dockerignore, '.git\nnode_modules\n');
      assert.equal((await open(pathToFileURL(join(root, 'web.Dockerfile')).href, 'specific')).dockerignore, 'specific\n', 'Dockerfile-specific ignore file wins');
      assert.equal((await open(pathToFileURL(join(root, 'bare', 'Dockerfile')).href, 'none')).dockerignore, null);
      const untitled = await open('untitled:Untitled-1', 'untitled');
      assert.ok('dockerignore' in untitled && untitled.dockerignore === undefined);
    } finally {
      c.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a burst of changes: versions only move forward and each publish matches its version', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///work/burst/Dockerfile';
    const doc = TextDocument.create(uri, 'dockerfile', 1, APT);
    const texts = new Map<number, string>([[1, APT]]);
    await c.open(uri, APT);
    await c.diagnostics(uri, { version: 1 });
    for (let v = 2; v <= 30; v++) {
      // Alternately add and remove the flag, so consecutive versions differ in findings.
      const change = v % 2 === 0
        ? { range: { start: { line: 1, character: 37 }, end: { line: 1, character: 37 } }, text: ' --no-install-recommends' }
        : { range: { start: { line: 1, character: 37 }, end: { line: 1, character: 61 } }, text: '' };
      TextDocument.update(doc, [change], v);
      texts.set(v, doc.getText());
      void c.change(uri, v, [change]);
    }
    await c.diagnostics(uri, { version: 30 });
    const versions = c.published.filter((p) => p.uri === uri).map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published in order: ${versions}`);
    for (const p of c.published.filter((x) => x.uri === uri)) {
      const expected = analyzeDockerfile(texts.get(p.version!)!).map((f) => f.rule).sort();
      assert.deepEqual(p.diagnostics.map((d) => String(d.code)).sort(), expected, `v${p.version} shows that version's findings`);
    }
  } finally {
    c.dispose();
  }
});

test('with a debounce, a burst of changes is analysed once, for the last version', async () => {
  const c = await inProcess({ initializationOptions: { validationDelayMs: 250 } });
  try {
    const uri = 'file:///work/debounce/Dockerfile';
    await c.open(uri, APT);
    await c.diagnostics(uri, { version: 1 });
    const before = c.published.length;
    let text = APT;
    for (let v = 2; v <= 11; v++) {
      text += `# ${v}\n`;
      void c.change(uri, v, fullChange(text));
    }
    await c.diagnostics(uri, { version: 11 });
    assert.deepEqual(c.published.slice(before).map((p) => p.version), [11]);
  } finally {
    c.dispose();
  }
});

test('closing a document clears its diagnostics', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///work/close/Dockerfile';
    await c.open(uri, APT);
    assert.ok(has(await c.diagnostics(uri, { version: 1 })));
    const before = c.published.length;
    await c.close(uri);
    const p = await c.diagnostics(uri, { where: (x) => c.published.indexOf(x) >= before });
    assert.deepEqual(p.diagnostics, []);
  } finally {
    c.dispose();
  }
});

test('documents that are not Dockerfiles get no diagnostics from the Dockerfile analysis', async () => {
  const c = await inProcess();
  try {
    await c.open('file:///work/notes.txt', APT, 1, 'plaintext');
    // BuildKit's per-Dockerfile ignore file fits `Dockerfile.*` but is not a Dockerfile.
    await c.open('file:///work/x/Dockerfile.dockerignore', APT, 1, 'dockerfile');
    const uri = 'file:///work/x/Containerfile';
    await c.open(uri, APT, 1, 'plaintext');
    // Published in order: once the Containerfile (matched by name) has diagnostics, the text file had its turn.
    assert.ok(has(await c.diagnostics(uri, { version: 1 })));
    assert.equal(c.published.filter((p) => p.uri.endsWith('notes.txt') || p.uri.endsWith('.dockerignore')).length, 0);
  } finally {
    c.dispose();
  }
});
