// Bad input and failure paths, in-process: every request is answered, the server stays alive,
// and a failing analysis ends in empty diagnostics and a log line rather than stale ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancellationTokenSource,
  CodeActionRequest,
  CompletionRequest,
  DidChangeWatchedFilesNotification,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver-protocol/node';
import { documentKinds, type DocumentKind } from '../../server/src/features/languages';
import { inProcess, fullChange, type TestClient } from './harness';

/** Reject when a promise takes longer than `ms` (a hang is a failure, not a slow pass). */
function within<T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not answered within ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Send one of every request at a few positions; resolve when all were answered. */
function exercise(c: TestClient, uri: string) {
  const positions = [
    { line: 0, character: 0 },
    { line: 1, character: 3 },
    { line: 5, character: 1 },
    { line: 100000, character: 5 },
  ];
  const textDocument = { uri };
  const whole = { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } };
  return within(
    `requests on ${uri}`,
    Promise.all([
      ...positions.map((position) => c.conn.sendRequest(HoverRequest.type, { textDocument, position })),
      ...positions.map((position) => c.conn.sendRequest(CompletionRequest.type, { textDocument, position })),
      c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument }),
      c.conn.sendRequest(CodeActionRequest.type, { textDocument, range: whole, context: { diagnostics: [] } }),
    ]),
  );
}

/** The server still analyses a fresh document. */
async function alive(c: TestClient): Promise<void> {
  const uri = `file:///alive/${Math.random().toString(36).slice(2)}/Dockerfile`;
  await c.open(uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
  const p = await c.diagnostics(uri, { version: 1 });
  assert.ok(p.diagnostics.some((d) => d.code === 'apt-no-install-recommends'), 'server alive and analysing');
}

const CASES: Record<string, string> = {
  'unterminated heredoc': 'FROM alpine:3.20\nRUN <<EOF\napt-get install -y curl\nCOPY <<-"X" /a\n',
  'lone backslashes': '\\\n\\\nFROM alpine:3.20 \\\n\\\nRUN \\\n\\',
  'escape directive and junk': '# escape=`\nFROM alpine:3.20 `\nRUN echo `\n`\n"""\n[[[\n--mount=\n',
  'invalid UTF-8 decoded as replacement chars': Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x52, 0x55, 0x4e, 0x20, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0x0a]).toString('utf8'),
  'lone surrogates and control characters': 'FROM alpine:3.20\nRUN echo \ud800 \udfff \u0007 \u001b[31m\nLABEL x="\u2028\u2029"\n',
  'deep nesting in RUN': `FROM alpine:3.20\nRUN ${'$('.repeat(500)}x${')'.repeat(500)}\nRUN ${'('.repeat(2000)}\n`,
  'very long line': `FROM alpine:3.20\nRUN echo ${'a'.repeat(50_000)}\n`,
};

for (const [name, text] of Object.entries(CASES)) {
  test(`bad input: ${name}`, async () => {
    const c = await inProcess();
    try {
      const uri = `file:///bad/${encodeURIComponent(name)}/Dockerfile`;
      await c.open(uri, text);
      await c.diagnostics(uri, { version: 1 });
      await exercise(c, uri);
      await c.change(uri, 2, fullChange(text + '\nRUN \\'));
      await c.diagnostics(uri, { version: 2 });
      await alive(c);
    } finally {
      c.dispose();
    }
  });
}

test('bad input: binary content gets one informative diagnostic and no analysis', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///bad/binary/Dockerfile';
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    await c.open(uri, bytes.toString('latin1'));
    const p = await c.diagnostics(uri, { version: 1 });
    assert.equal(p.diagnostics.length, 1);
    assert.match(p.diagnostics[0].message, /binary/);
    await exercise(c, uri);
    await alive(c);
  } finally {
    c.dispose();
  }
});

test('bad input: a 10 MB document gets one "too large" diagnostic, and requests stay answered', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///bad/huge/Dockerfile';
    const line = 'RUN apt-get install -y curl && echo ' + 'x'.repeat(60) + '\n';
    const text = 'FROM debian:12.5\n' + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    await c.open(uri, text);
    const p = await c.diagnostics(uri, { version: 1 });
    assert.equal(p.diagnostics.length, 1);
    assert.match(p.diagnostics[0].message, /Not analysed: this file is 10\.0 MB/);
    await exercise(c, uri);
    await c.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# edit\n' }]);
    assert.equal((await c.diagnostics(uri, { version: 2 })).diagnostics.length, 1);
    await alive(c);
  } finally {
    c.dispose();
  }
});

test('a document closed, or deleted on disk, while requests are in flight: all answered', async () => {
  const c = await inProcess();
  try {
    const uri = 'file:///bad/closing/Dockerfile';
    await c.open(uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
    // No awaiting between these: the requests are queued behind the open and ahead of the close.
    const inflight = exercise(c, uri);
    void c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Deleted }] });
    void c.close(uri);
    await inflight;
    // Requests for the closed document are answered empty.
    const [hover, symbols] = await exercise(c, uri).then((r) => [r[0], r[8]]);
    assert.equal(hover, null);
    assert.deepEqual(symbols, []);
    await c.waitFor('cleared diagnostics', () => (c.published.filter((p) => p.uri === uri).at(-1)?.diagnostics.length === 0 ? true : undefined));
    await alive(c);
  } finally {
    c.dispose();
  }
});

test('cancelling a request answers RequestCancelled and the server carries on', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const c = await inProcess({ config: () => gate.then(() => ({})) });
  try {
    const uri = 'file:///cancel/Dockerfile';
    await c.open(uri, 'FROM debian:12.5\nRUN apt-get install -y curl\n');
    // The hover needs this document's settings, which the client holds back until after the cancel.
    await c.waitFor('settings request', () => c.configRequests.find((i) => i.scopeUri === uri));
    const source = new CancellationTokenSource();
    const hover = c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 6 } }, source.token);
    source.cancel();
    release();
    await assert.rejects(within('cancelled hover', hover), (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
    await c.diagnostics(uri, { version: 1 });
    const again = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 6 } });
    assert.ok(again, 'the same request without cancellation is answered');
  } finally {
    c.dispose();
  }
});

test('an analysis that throws publishes empty diagnostics (not stale ones) and logs', async () => {
  const fragile: DocumentKind = {
    ...documentKinds[0],
    analyze: (text, settings, files, log) => {
      if (text.includes('BOOM')) throw new Error('analysis exploded');
      return documentKinds[0].analyze(text, settings, files, log);
    },
    hover: () => {
      throw new Error('hover exploded');
    },
  };
  const c = await inProcess({ server: { kinds: [fragile] } });
  try {
    const uri = 'file:///fragile/Dockerfile';
    const good = 'FROM debian:12.5\nRUN apt-get install -y curl\n';
    await c.open(uri, good);
    assert.ok((await c.diagnostics(uri, { version: 1 })).diagnostics.length > 0);
    await c.change(uri, 2, fullChange(good + '# BOOM\n'));
    assert.deepEqual((await c.diagnostics(uri, { version: 2 })).diagnostics, []);
    await c.waitFor('a log line', () => c.logs.find((l) => /analysis of file:\/\/\/fragile\/Dockerfile failed.*analysis exploded/s.test(l)));
    // Requests on the broken version are answered (empty), and the hover failure is logged.
    const [hover] = await exercise(c, uri);
    assert.equal(hover, null);
    await c.waitFor('hover log line', () => c.logs.find((l) => l.includes('hover failed') && l.includes('hover exploded')));
    await c.change(uri, 3, fullChange(good));
    assert.ok((await c.diagnostics(uri, { version: 3 })).diagnostics.length > 0, 'recovers on the next version');
  } finally {
    c.dispose();
  }
});
