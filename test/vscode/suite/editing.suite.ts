/// <reference types="mocha" />
// The language side in the real extension host: activation on a Dockerfile, the server's
// diagnostics, their update after an edit, a quick fix, and the deploy code lens.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { pierDiagnostics, ruleOf, until } from './harness';
import { EXT_ID, fixture } from './fixture';

suite('editing a Dockerfile', () => {
  let uri: vscode.Uri;

  suiteSetup(async () => {
    uri = fixture('lint/Dockerfile');
  });

  test('the extension activates on a Dockerfile', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    await until(vscode.extensions.onDidChange, () => ext.isActive, 20_000, 'activation').catch(async () => {
      // The activation event may have fired before the listener; activate() resolves either way.
      await ext.activate();
    });
    assert.equal(ext.isActive, true);
    assert.equal(doc.languageId, 'dockerfile');
  });

  test('diagnostics from the server appear', async () => {
    const diags = await until(vscode.languages.onDidChangeDiagnostics, () => {
      const d = pierDiagnostics(uri);
      return d.some((x) => ruleOf(x) === 'apt-no-install-recommends') && d;
    }, 30_000, 'Pier diagnostics on lint/Dockerfile');
    const rules = diags.map(ruleOf).sort();
    assert.deepEqual(rules, ['apt-lists-not-cleaned', 'apt-no-install-recommends']);
    assert.ok(diags.every((d) => d.source === 'pier'));
  });

  test('diagnostics update after an edit', async () => {
    const editor = await vscode.window.showTextDocument(uri);
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\nRUN apk add curl\n'));
    await until(vscode.languages.onDidChangeDiagnostics, () => pierDiagnostics(uri).some((d) => ruleOf(d) === 'apk-no-cache'), 15_000, 'apk-no-cache after typing an apk add');
    // Taking the line out again takes its finding with it.
    const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith('RUN apk add'));
    await editor.edit((e) => e.delete(new vscode.Range(line, 0, line + 1, 0)));
    await until(vscode.languages.onDidChangeDiagnostics, () => !pierDiagnostics(uri).some((d) => ruleOf(d) === 'apk-no-cache'), 15_000, 'apk-no-cache gone after the edit');
  });

  test('a quick fix applies', async () => {
    const diag = pierDiagnostics(uri).find((d) => ruleOf(d) === 'apt-no-install-recommends');
    assert.ok(diag, 'the finding is there');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value, 20);
    // The host hands actions back without their diagnostics; the fix is the one that is not an ignore.
    const fix = actions.find((a) => /no-install-recommends/.test(a.title) && !a.title.startsWith('Ignore'));
    assert.ok(fix?.edit, `a fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /--no-install-recommends/);
    await until(vscode.languages.onDidChangeDiagnostics, () => !pierDiagnostics(uri).some((d) => ruleOf(d) === 'apt-no-install-recommends'), 15_000, 'the fixed finding to go');
    await doc.save();
  });

  test('a Compose file gets diagnostics too', async () => {
    const compose = fixture('station/compose.yaml');
    await vscode.window.showTextDocument(compose);
    const doc = await vscode.workspace.openTextDocument(compose);
    assert.equal(doc.languageId, 'dockercompose');
    // The station example is clean; its diagnostics are published (empty) once analysed. An
    // edit that drops the restart policy of a service makes one appear.
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => /^\s+restart: unless-stopped/.test(l));
    await editor.edit((e) => e.delete(new vscode.Range(line, 0, line + 1, 0)));
    await until(vscode.languages.onDidChangeDiagnostics, () => pierDiagnostics(compose).some((d) => ruleOf(d) === 'service-no-restart'), 20_000, 'service-no-restart on the edited compose file');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
