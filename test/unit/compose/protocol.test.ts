// A Compose document over the language server protocol, in-process: diagnostics with related
// information into the Dockerfile it builds (read from disk with its .env), a quick fix and
// the ignore action applied as the editor would, hover, outline and completion.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  type CodeAction,
  type CompletionItem,
  type DocumentSymbol,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { inProcess, fullChange, type TestClient } from '../../lsp/harness';

const DOC = [
  'services:', // 0
  '  app:', // 1
  '    build: ./app', // 2
  '    image: example/app:${TAG:-latest}', // 3
  '    env_file: missing.env', // 4
  '    depends_on:', // 5
  '      - db', // 6
  '  db:', // 7
  '    image: postgres:17', // 8
  '    restart: always', // 9
  '    healthcheck:', // 10
  '      test: ["CMD", "pg_isready"]', // 11
  '', // 12
].join('\n');

let dir: string;
let uri: string;
let c: TestClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pier-compose-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n');
  writeFileSync(join(dir, '.env'), 'TAG=1.4.2\n');
  writeFileSync(join(dir, 'compose.yaml'), DOC);
  uri = pathToFileURL(join(dir, 'compose.yaml')).href;
  c = await inProcess();
  await c.open(uri, DOC, 1, 'dockercompose');
});

after(() => {
  c.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const published = () => c.diagnostics(uri, { version: 1 });

test('diagnostics: Compose rules with facts from disk and related information into the Dockerfile', async () => {
  const p = await published();
  const codes = p.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`);
  assert.ok(codes.includes('1:service-no-restart'), codes.join(', '));
  assert.ok(codes.includes('4:path-not-found'), 'missing env_file is found on disk');
  assert.ok(codes.includes('6:depends-on-not-healthy'));
  // TAG comes from .env, so the image is pinned.
  assert.ok(!codes.some((x) => x.endsWith('service-image-latest')), codes.join(', '));
  const build = p.diagnostics.find((d) => d.code === 'build-dockerfile-findings');
  assert.ok(build?.relatedInformation?.length, 'build findings carry related information');
  assert.equal(build!.relatedInformation![0].location.uri, pathToFileURL(join(dir, 'app', 'Dockerfile')).href);
  assert.ok(build!.relatedInformation!.some((r) => r.location.range.start.line === 1));
});

async function actionsAt(line: number, character: number): Promise<CodeAction[]> {
  const p = await published();
  const res = await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line, character }, end: { line, character } },
    context: { diagnostics: p.diagnostics.filter((d) => d.range.start.line <= line && line <= d.range.end.line) },
  });
  return (res ?? []) as CodeAction[];
}

function applyAction(a: CodeAction): string {
  const doc = TextDocument.create(uri, 'dockercompose', 1, DOC);
  const changes = a.edit?.documentChanges?.flatMap((x) => ('textDocument' in x ? x.edits : [])) ?? a.edit?.changes?.[uri] ?? [];
  return TextDocument.applyEdits(doc, changes as TextEdit[]);
}

test('code actions: the quick fix edits the file, and the ignore action covers the key', async () => {
  const actions = await actionsAt(1, 3);
  const fix = actions.find((a) => a.title === 'Add restart: unless-stopped');
  assert.ok(fix, actions.map((a) => a.title).join(' | '));
  assert.match(applyAction(fix!), /env_file: missing\.env\n    depends_on:\n      - db\n    restart: unless-stopped\n  db:/);
  const ignore = actions.find((a) => /ignore/i.test(a.title) && /service-no-restart/.test(a.title) && !/file/i.test(a.title));
  assert.ok(ignore, actions.map((a) => a.title).join(' | '));
  const text = applyAction(ignore!);
  assert.match(text, /^services:\n  # pier-ignore service-no-restart -- reason\n  app:/);
  // The pragma suppresses the finding on the next analysis.
  await c.change(uri, 2, fullChange(text));
  const after = await c.diagnostics(uri, { version: 2 });
  assert.ok(!after.diagnostics.some((d) => d.code === 'service-no-restart' && d.range.start.line === 2));
  assert.ok(after.diagnostics.some((d) => d.code === 'path-not-found'), 'other findings stay');
  await c.change(uri, 3, fullChange(DOC));
  await c.diagnostics(uri, { version: 3 });
});

test('hover shows the schema description and .env values', async () => {
  const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 9, character: 6 } });
  assert.match((h!.contents as MarkupContent).value, /Restart policy for the service container/);
  const v = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 28 } });
  assert.match((v!.contents as MarkupContent).value, /`TAG` = `1\.4\.2` \(from \.env\)/);
});

test('document symbols list services', async () => {
  const s = (await c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  const services = s.find((x) => x.name === 'services')!;
  assert.deepEqual(services.children!.map((x) => `${x.name} ${x.detail ?? ''}`), ['app example/app:${TAG:-latest}', 'db postgres:17']);
});

test('completion offers service keys and enum values', async () => {
  const text = DOC.replace('    restart: always', '    restart: \n    pul');
  await c.change(uri, 4, fullChange(text));
  const values = (await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 9, character: 13 } })) as CompletionItem[];
  assert.deepEqual(values.map((i) => i.label).slice(0, 4), ['unless-stopped', 'always', 'on-failure', 'no']);
  const keys = (await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 10, character: 7 } })) as CompletionItem[];
  assert.ok(keys.some((i) => i.label === 'pull_policy'));
  assert.ok(!keys.some((i) => i.label === 'image'), 'keys already there are not offered');
});
