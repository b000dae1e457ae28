// The extension-host side of bench/vscode-host.ts: activation time of Pier against a control
// extension (Pier's package.json with an empty activate(), installed by the bench) and a built-in
// extension, all activated the same way once the host has finished starting, and
// open-to-first-diagnostics for Dockerfiles (the first one includes starting the server). Figures
// go out as one PIER_BENCH line; the run always passes.

import * as vscode from 'vscode';

const BASELINES = ['vscode.configuration-editing', 'vscode.npm', 'vscode.extension-editing', 'vscode.merge-conflict'];
/** The control extensions bench/vscode-host.ts installs: one activated before Pier, one after. */
const CONTROLS = ['pier-dev.pier-control-a', 'pier-dev.pier-control-b'];

/** VS Code's own performance marks in the extension host (vs/base/common/performance). */
type Mark = { name: string; startTime: number };
function marks(): Mark[] {
  const m = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks;
  return m ? m.getMarks() : [];
}

/**
 * One activation, with the host's own split of it (the figures behind its Running Extensions
 * view): code loading (require() of the main module), the wait for the extension context (the
 * host asks the window for the extension's stored state), and the activate() call until its
 * promise settled.
 */
export interface Activation {
  ms: number;
  /** CPU time of the extension host process meanwhile: less disturbed by a loaded machine than wall time. */
  cpuMs: number;
  codeLoadingMs?: number;
  contextWaitMs?: number;
  activateCallMs?: number;
}

async function timeActivate(id: string): Promise<Activation | undefined> {
  const ext = vscode.extensions.getExtension(id);
  if (!ext || ext.isActive) return undefined;
  const seen = marks().length;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await ext.activate();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const at = (what: string) => marks().slice(seen).find((m) => m.name === `code/extHost/${what}/${id}`)?.startTime;
  const [willLoad, didLoad, willActivate, didActivate] = ['willLoadExtensionCode', 'didLoadExtensionCode', 'willActivateExtension', 'didActivateExtension'].map(at);
  const span = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, codeLoadingMs: span(willLoad, didLoad), contextWaitMs: span(didLoad, willActivate), activateCallMs: span(willActivate, didActivate) };
}

/**
 * Wait until the host has finished starting: the workbench activates built-in extensions for a
 * while after the test module starts (the TypeScript extension alone loads for over 100 ms), and
 * an activation measured meanwhile measures them too. Quiet means no extension started loading
 * or activating, and no timer ran more than 15 ms late, for a whole second (at most 30 s).
 */
async function hostQuiet(): Promise<number> {
  const t0 = performance.now();
  let count = marks().length;
  let since = t0;
  while (performance.now() - since < 1000 && performance.now() - t0 < 30_000) {
    const a = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    const late = performance.now() - a - 20;
    if (marks().length !== count || late > 15) {
      count = marks().length;
      since = performance.now();
    }
  }
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
  out.quietMs = await hostQuiet();
  // Control, Pier, control: what the host costs any extension with Pier's manifest, on both sides
  // of Pier's own activation, so a change of load during the run shows as a gap between the two.
  const controls: Activation[] = [];
  const a = await timeActivate(CONTROLS[0]);
  const p = await timeActivate('pier-dev.pier');
  const b = await timeActivate(CONTROLS[1]);
  for (const c of [a, b]) if (c) controls.push(c);
  out.activation = p;
  out.activationMs = p?.ms;
  out.controls = controls;
  for (const id of BASELINES) {
    const r = await timeActivate(id);
    if (r) {
      out.baseline = { id, activationMs: r.ms, ...r };
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
