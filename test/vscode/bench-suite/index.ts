// The extension-host side of bench/vscode-host.ts: activation time of Pier against a built-in
// extension activated the same way, and open-to-first-diagnostics for Dockerfiles (the first one
// includes starting the server). Figures go out as one PIER_BENCH line; the run always passes.

import * as vscode from 'vscode';

const BASELINES = ['vscode.configuration-editing', 'vscode.npm', 'vscode.extension-editing', 'vscode.merge-conflict'];

async function timeActivate(id: string): Promise<number | undefined> {
  const ext = vscode.extensions.getExtension(id);
  if (!ext || ext.isActive) return undefined;
  const t0 = performance.now();
  await ext.activate();
  return performance.now() - t0;
}

function firstDiagnostics(uri: vscode.Uri, ms: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (sub.dispose(), reject(new Error(`no diagnostics for ${uri.fsPath} within ${ms} ms`))), ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'pier')) return;
      clearTimeout(t);
      sub.dispose();
      resolve(performance.now() - t0);
    });
    void vscode.workspace.openTextDocument(uri).then((d) => vscode.window.showTextDocument(d));
  });
}

export async function run(): Promise<void> {
  const out: Record<string, unknown> = {};
  const pier = vscode.extensions.getExtension('pier-dev.pier');
  out.pierActiveBefore = pier?.isActive;
  out.activationMs = await timeActivate('pier-dev.pier');
  for (const b of BASELINES) {
    const ms = await timeActivate(b);
    if (ms !== undefined) {
      out.baseline = { id: b, activationMs: ms };
      break;
    }
  }
  const root = vscode.workspace.workspaceFolders![0].uri;
  const files = (await vscode.workspace.fs.readDirectory(root)).map(([n]) => n).filter((n) => n.endsWith('.dockerfile')).sort();
  const diag: number[] = [];
  for (const f of files) diag.push(await firstDiagnostics(vscode.Uri.joinPath(root, f), 30_000));
  out.firstDiagnosticsColdMs = diag[0];
  out.firstDiagnosticsWarmMs = diag.slice(1);
  // The editor alone: opening and showing a plain text file of the same size, no language server.
  const plain: number[] = [];
  for (const f of files.slice(1)) {
    const t0 = performance.now();
    const u = vscode.Uri.joinPath(root, `${f}.txt`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(u));
    plain.push(performance.now() - t0);
  }
  out.openPlainMs = plain;
  console.log(`PIER_BENCH ${JSON.stringify(out)}`);
}
