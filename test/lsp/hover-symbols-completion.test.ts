// Hover, document symbols and completion over the protocol, in-process.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompletionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  InsertTextFormat,
  type CompletionItem,
  type DocumentSymbol,
  type MarkupContent,
  type Position,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { inProcess, EDITOR_CAPABILITIES, type TestClient } from './harness';

const DOC = [
  'ARG GO_VERSION=1.22', // 0
  'ARG BASE', // 1
  'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build', // 2
  'WORKDIR /src', // 3
  'RUN apt-get install -y curl', // 4
  'FROM build AS test', // 5
  'RUN go test ./...', // 6
  'FROM ${BASE:-alpine:3.20}', // 7
  'COPY --from=build /out/app /app', // 8
  'CMD ["/app"]', // 9
  '', // 10
].join('\n');
const URI = 'file:///hsc/Dockerfile';

let c: TestClient;
before(async () => {
  c = await inProcess();
  await c.open(URI, DOC);
  await c.diagnostics(URI, { version: 1 });
});
after(() => c.dispose());

const hoverAt = async (line: number, character: number, uri = URI) => {
  const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  return h ? (h.contents as MarkupContent).value : undefined;
};

test('hover on a keyword explains the instruction with an edge angle', async () => {
  const v = (await hoverAt(4, 1))!;
  assert.match(v, /^\*\*RUN\*\*/);
  assert.match(v, /On a small device/);
  assert.match((await hoverAt(9, 2))!, /exec form/);
});

test('hover on a FROM image shows the image after ARG substitution', async () => {
  const v = (await hoverAt(2, 40))!;
  assert.match(v, /Image: `golang:1\.22-alpine`/);
  assert.match(v, /Written as `golang:\$\{GO_VERSION\}-alpine`/);
  assert.match(v, /Platform: `\$BUILDPLATFORM`/);
  assert.match((await hoverAt(7, 8))!, /Image: `alpine:3\.20`/, 'default of an ARG without a value');
  assert.match((await hoverAt(5, 7))!, /Builds on stage `build`/);
});

test('hover on a finding shows the rule, why it matters, and its docs link', async () => {
  const uri = 'file:///hsc/finding/Dockerfile';
  await c.open(uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
  const d = (await c.diagnostics(uri, { version: 1 })).diagnostics.find((x) => x.code === 'apt-no-install-recommends')!;
  const v = (await hoverAt(d.range.start.line, d.range.start.character + 2, uri))!;
  assert.match(v, /\*\*apt-no-install-recommends\*\*/);
  assert.match(v, /hadolint DL3015/);
  assert.match(v, /On a small device:\* Recommended packages/);
  assert.match(v, /\[Rule documentation\]\(file:\/\/.*docs\/rules\/apt-no-install-recommends\.md\)/);
});

test('hover elsewhere is empty, and plain text clients get plain text', async () => {
  assert.equal(await hoverAt(3, 10), undefined);
  assert.equal(await hoverAt(0, 0, 'file:///not/open/Dockerfile'), undefined);
  const plain = await inProcess({ capabilities: { ...EDITOR_CAPABILITIES, textDocument: { ...EDITOR_CAPABILITIES.textDocument, hover: { contentFormat: ['plaintext'] } } } });
  try {
    await plain.open(URI, DOC);
    const h = await plain.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 4, character: 1 } });
    assert.equal((h!.contents as MarkupContent).kind, 'plaintext');
    assert.doesNotMatch((h!.contents as MarkupContent).value, /\*\*/);
  } finally {
    plain.dispose();
  }
});

test('document symbols: global ARGs, then stages with their instructions', async () => {
  const syms = (await c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: URI } })) as DocumentSymbol[];
  assert.deepEqual(syms.map((s) => s.name), ['ARG GO_VERSION=1.22', 'ARG BASE', 'build', 'test', 'alpine:3.20']);
  const build = syms[2];
  assert.equal(build.detail, 'golang:1.22-alpine · $BUILDPLATFORM');
  assert.deepEqual(build.children!.map((s) => s.name), ['WORKDIR /src', 'RUN apt-get install -y curl']);
  assert.deepEqual(build.range, { start: { line: 2, character: 0 }, end: { line: 4, character: 27 } });
  assert.equal(syms[4].detail, 'final');
  assert.deepEqual(syms[4].children!.map((s) => s.name), ['COPY --from=build /out/app /app', 'CMD ["/app"]']);
  for (const s of syms) {
    const inside = (p: Position) => (p.line > s.range.start.line || p.character >= s.range.start.character) && (p.line < s.range.end.line || p.character <= s.range.end.character);
    assert.ok(inside(s.selectionRange.start) && inside(s.selectionRange.end), `${s.name}: selection inside range`);
  }
});

/** Open a scratch document and complete at the `|` marker. */
async function completeAt(textWithCursor: string): Promise<{ items: CompletionItem[]; apply: (label: string) => string }> {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  const lines = text.slice(0, offset).split('\n');
  const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const uri = `file:///complete/${Math.random().toString(36).slice(2)}/Dockerfile`;
  await c.open(uri, text);
  const res = await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  const items = (Array.isArray(res) ? res : (res?.items ?? [])) as CompletionItem[];
  const apply = (label: string) => {
    const item = items.find((i) => i.label === label);
    assert.ok(item, `${label} offered among ${items.map((i) => i.label).join(', ')}`);
    const e = item.textEdit as TextEdit;
    const ls = text.split('\n');
    const line = ls[e.range.start.line];
    ls[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
    return ls.join('\n');
  };
  return { items, apply };
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('completion: instruction keywords as snippets at a line start', async () => {
  const { items, apply } = await completeAt('FROM alpine:3.20\nHE|\n');
  assert.ok(labels(items).includes('HEALTHCHECK') && labels(items).includes('COPY'));
  const hc = items.find((i) => i.label === 'HEALTHCHECK')!;
  assert.equal(hc.insertTextFormat, InsertTextFormat.Snippet);
  assert.match(apply('HEALTHCHECK'), /\nHEALTHCHECK --interval=\$\{1:30s\}/);
  assert.ok(labels((await completeAt('|')).items).includes('FROM'));
  const onbuild = labels((await completeAt('FROM alpine:3.20\nONBUILD R|')).items);
  assert.ok(onbuild.includes('RUN') && !onbuild.includes('FROM') && !onbuild.includes('ONBUILD'));
});

test('completion: flags per instruction', async () => {
  assert.deepEqual(labels((await completeAt('FROM --|')).items), ['--platform']);
  const copy = labels((await completeAt('FROM alpine:3.20\nCOPY --chown=1:1 --|')).items);
  assert.deepEqual(copy, ['--from', '--chmod', '--link'], 'a flag already written is not offered again');
  assert.deepEqual(labels((await completeAt('FROM alpine:3.20\nRUN --mount=type=cache,target=/x --|')).items), ['--mount', '--network', '--security'], '--mount repeats');
  assert.ok(labels((await completeAt('FROM alpine:3.20\nADD --|')).items).includes('--checksum'));
  assert.deepEqual(labels((await completeAt('FROM alpine:3.20\nCOPY a.txt --|')).items), [], 'no flags after the first argument');
  const { apply } = await completeAt('FROM alpine:3.20\nCOPY --fr|');
  assert.equal(apply('--from').split('\n')[1], 'COPY --from=');
});

test('completion: --platform values with the device platforms first', async () => {
  const { items, apply } = await completeAt('FROM --platform=|');
  assert.deepEqual(labels(items), ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/amd64', '$BUILDPLATFORM', '$TARGETPLATFORM']);
  assert.equal(apply('linux/arm/v7'), 'FROM --platform=linux/arm/v7');
  const partial = await completeAt('FROM --platform=linux/ar|');
  assert.equal(partial.apply('linux/arm64'), 'FROM --platform=linux/arm64', 'the typed part is replaced');
});

test('completion: stage names after --from= and FROM, and mount types', async () => {
  const text = 'FROM golang:1.22 AS build\nFROM alpine:3.20 AS assets\nFROM scratch\nCOPY --from=|\nFROM alpine:3.20 AS later\n';
  assert.deepEqual(labels((await completeAt(text)).items), ['build', 'assets'], 'only stages defined before');
  assert.deepEqual(labels((await completeAt('FROM golang:1.22 AS build\nFROM b|')).items), ['build']);
  assert.deepEqual(labels((await completeAt('FROM alpine:3.20\nRUN --mount=type=|')).items), ['cache', 'secret', 'bind', 'ssh', 'tmpfs']);
  assert.deepEqual(labels((await completeAt('FROM alpine:3.20\nRUN --network=|')).items), ['default', 'none', 'host']);
});

test('completion: nothing inside a RUN script or a comment', async () => {
  assert.deepEqual((await completeAt('FROM alpine:3.20\nRUN echo |')).items, []);
  assert.deepEqual((await completeAt('# a comm|')).items, []);
  assert.deepEqual((await completeAt('FROM alpine:3.20\nRUN apt-get update \\\n  && apt-get ins|')).items, [], 'continuation line');
});
