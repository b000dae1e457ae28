// Finding -> Diagnostic mapping details that the rules in the tree may not exercise yet:
// related places in this and other files, the docs link, and tags.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { DiagnosticTag } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../server/src/analysis/engine/types';
import { ruleDocsUri, toDiagnostic } from '../../server/src/features/diagnostics';
import { documentKinds } from '../../server/src/features/languages';
import { readLintSettings } from '../../server/src/features/settings';

const doc = TextDocument.create('file:///m/Dockerfile', 'dockerfile', 3, 'FROM alpine:3.20\nMAINTAINER me\nRUN sudo apk add curl\n');
const r = (line: number, a: number, b: number) => ({ start: { line, character: a }, end: { line, character: b } });
const finding = (over: Partial<Finding>): Finding => ({ rule: 'some-rule', category: 'size', severity: 'info', hadolint: null, message: 'msg', range: r(2, 4, 8), ...over });

test('related information points into this document or another file', () => {
  const d = toDiagnostic(finding({ related: [{ message: 'first added here', range: r(0, 0, 4) }, { message: 'in compose', range: r(3, 2, 9), file: '/srv/app/compose.yaml' }] }), doc);
  assert.deepEqual(d.relatedInformation, [
    { message: 'first added here', location: { uri: 'file:///m/Dockerfile', range: r(0, 0, 4) } },
    { message: 'in compose', location: { uri: pathToFileURL('/srv/app/compose.yaml').href, range: r(3, 2, 9) } },
  ]);
  assert.equal(d.code, 'some-rule');
  assert.equal(d.severity, 3);
  assert.equal(d.codeDescription!.href, ruleDocsUri('some-rule'));
  assert.equal(d.tags, undefined);
});

test('tags: a fix that only deletes the flagged text marks it unnecessary; MAINTAINER is deprecated', () => {
  const kind = documentKinds[0];
  const sudo = toDiagnostic(finding({ range: r(2, 4, 9), fixes: [{ title: 'Remove sudo', edits: [{ range: r(2, 4, 9), newText: '' }] }] }), doc, kind);
  assert.deepEqual(sudo.tags, [DiagnosticTag.Unnecessary]);
  const rewrite = toDiagnostic(finding({ range: r(2, 4, 9), fixes: [{ title: 'x', edits: [{ range: r(2, 4, 9), newText: 'doas ' }] }] }), doc, kind);
  assert.equal(rewrite.tags, undefined);
  const maint = toDiagnostic(finding({ range: r(1, 0, 10) }), doc, kind);
  assert.deepEqual(maint.tags, [DiagnosticTag.Deprecated]);
});

test('pier.lint settings from the client keep only well-typed values', () => {
  assert.deepEqual(readLintSettings(undefined), { enable: true, lint: {} });
  assert.deepEqual(readLintSettings({ enable: false, rules: { DL3008: 'off' }, targetPlatforms: ['linux/arm/v7', 3], trustedRegistries: 'no', categories: [1] }), {
    enable: false,
    lint: { rules: { DL3008: 'off' }, targetPlatforms: ['linux/arm/v7'] },
  });
});
