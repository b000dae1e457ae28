// Code actions over the protocol: a finding's fix and both ignore actions, each applied as the
// editor would and followed by re-analysis showing the finding gone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, type CodeAction, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { inProcess, fullChange, EDITOR_CAPABILITIES, type TestClient } from './harness';

const RULE = 'apt-no-install-recommends';

function editsOf(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  if (edit.documentChanges) return edit.documentChanges.flatMap((c) => ('textDocument' in c && c.textDocument.uri === uri ? c.edits : [])) as TextEdit[];
  return edit.changes?.[uri] ?? [];
}

async function actionsAt(c: TestClient, uri: string, line: number, character: number): Promise<CodeAction[]> {
  const p = c.published.filter((x) => x.uri === uri).at(-1)!;
  const res = await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line, character }, end: { line, character } },
    context: { diagnostics: p.diagnostics.filter((d) => d.range.start.line <= line && line <= d.range.end.line) },
  });
  return (res ?? []) as CodeAction[];
}

/** Apply an action's edit as the editor would, send it, and return the next diagnostics. */
async function apply(c: TestClient, doc: TextDocument, action: CodeAction) {
  const text = TextDocument.applyEdits(doc, editsOf(action.edit, doc.uri));
  const version = doc.version + 1;
  TextDocument.update(doc, [{ text }], version);
  await c.change(doc.uri, version, fullChange(text));
  return { text, published: await c.diagnostics(doc.uri, { version }) };
}

async function openDoc(c: TestClient, uri: string, text: string): Promise<TextDocument> {
  await c.open(uri, text);
  const p = await c.diagnostics(uri, { version: 1 });
  assert.ok(p.diagnostics.some((d) => d.code === RULE), 'finding present before the action');
  return TextDocument.create(uri, 'dockerfile', 1, text);
}

const DOC = '# syntax=docker/dockerfile:1\n# escape=\\\n\nFROM debian:12.5\n  RUN apt-get update \\\n      && apt-get install -y curl\n';

test('the fix is a preferred quickfix whose edit removes the finding', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///ca/fix/Dockerfile';
    const doc = await openDoc(c, uri, DOC);
    const actions = await actionsAt(c, uri, 5, 12);
    const fix = actions.find((a) => a.title === 'Add --no-install-recommends')!;
    assert.ok(fix, `fix offered among: ${actions.map((a) => a.title)}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.diagnostics?.[0].code, RULE);
    assert.equal((fix.edit!.documentChanges![0] as { textDocument: { version: number } }).textDocument.version, 1, 'versioned edit');
    const { text, published } = await apply(c, doc, fix);
    assert.match(text, /apt-get install --no-install-recommends -y curl/);
    assert.ok(!published.diagnostics.some((d) => d.code === RULE));
  } finally {
    c.dispose();
  }
});

test('"Ignore on this line" inserts a matching-indent pier-ignore above the instruction and is honoured', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///ca/line/Dockerfile';
    const doc = await openDoc(c, uri, DOC);
    const actions = await actionsAt(c, uri, 5, 12);
    const ignore = actions.find((a) => a.title === `Ignore ${RULE} on this line`)!;
    assert.ok(ignore, `offered among: ${actions.map((a) => a.title)}`);
    assert.ok(!ignore.isPreferred);
    const { text, published } = await apply(c, doc, ignore);
    assert.equal(text.split('\n')[4], `  # pier-ignore ${RULE} -- reason`, 'above the RUN (not the continuation line), same indent');
    assert.ok(!published.diagnostics.some((d) => d.code === RULE));
  } finally {
    c.dispose();
  }
});

test('"Ignore in this file" goes after the parser directives, keeps them working, and is honoured', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///ca/file/Dockerfile';
    const doc = await openDoc(c, uri, DOC + 'RUN apt-get install -y git\n');
    const actions = await actionsAt(c, uri, 5, 12);
    const ignore = actions.find((a) => a.title === `Ignore ${RULE} in this file`)!;
    assert.ok(ignore);
    const { text, published } = await apply(c, doc, ignore);
    assert.deepEqual(text.split('\n').slice(0, 3), ['# syntax=docker/dockerfile:1', '# escape=\\', `# pier-ignore-file ${RULE} -- reason`]);
    assert.ok(!published.diagnostics.some((d) => d.code === RULE), 'both apt installs suppressed');
  } finally {
    c.dispose();
  }
});

test('a second rule on the same instruction joins the existing pier-ignore comment', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///ca/merge/Dockerfile';
    const text = `FROM debian:12.5\n# pier-ignore some-other-rule -- reason\nRUN apt-get install -y curl\n`;
    const doc = await openDoc(c, uri, text);
    const ignore = (await actionsAt(c, uri, 2, 6)).find((a) => a.title === `Ignore ${RULE} on this line`)!;
    const { text: after, published } = await apply(c, doc, ignore);
    assert.equal(after.split('\n')[1], `# pier-ignore some-other-rule,${RULE} -- reason`);
    assert.ok(!published.diagnostics.some((d) => d.code === RULE));
  } finally {
    c.dispose();
  }
});

test('clients without documentChanges get plain changes; `only` filters out quick fixes', async () => {
  const caps = { ...EDITOR_CAPABILITIES, workspace: { ...EDITOR_CAPABILITIES.workspace, workspaceEdit: { documentChanges: false } } };
  const c = await inProcess({ capabilities: caps });
  try {
    const uri = 'file:///ca/plain/Dockerfile';
    await openDoc(c, uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
    const actions = await actionsAt(c, uri, 1, 6);
    assert.ok(actions.length >= 3);
    assert.ok(actions.every((a) => a.edit?.changes?.[uri]?.length));
    const none = await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 1, character: 6 }, end: { line: 1, character: 6 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    assert.deepEqual(none, []);
  } finally {
    c.dispose();
  }
});

test('no actions away from findings, and none for unknown documents', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///ca/away/Dockerfile';
    await openDoc(c, uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
    assert.ok(!(await actionsAt(c, uri, 0, 2)).some((a) => a.diagnostics?.[0].code === RULE));
    const r = await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: 'file:///never/opened/Dockerfile' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(r, []);
  } finally {
    c.dispose();
  }
});
