// "Pier: Deploy": the Dockerfile or Compose file in front of the person goes to the deploy target.
// The steps come from client/src/edge (see deploy-pipeline.ts); this file turns them into what
// VS Code shows: one cancellable progress notification that names the step and counts bytes, a
// detailed log in the "Pier Deploy" output channel, the logs panel on the new container at the
// end, and on failure a message whose buttons are the next thing to do.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultPierKnownHostsFile } from '../edge/ssh/target';
import { pickDevice } from './device-pick';
import { appName, isDeployable } from './deploy-files';
import { deployFailure, type DeployPhase } from './deploy-errors';
import { runDeployPipeline, type DeployRequest, type StepReport } from './deploy-pipeline';
import { BuildFailed } from '../edge/build/build';
import { showLogs } from '../logs/logs-view';
import type { CommandEnv } from './table';

export { appName, isDeployable };

let buildDiagnostics: vscode.DiagnosticCollection | undefined;

let channel: vscode.LogOutputChannel | undefined;

/** The "Pier Deploy" log channel, created on first use. */
export function deployLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Pier Deploy', { log: true });
  return channel;
}

/** pier.showDeployLog */
export function showDeployLog(): void {
  deployLog().show(true);
}

/** What the command may be called with: a file (code lens, title bar, explorer), or that plus a Compose service. */
type DeployArg = vscode.Uri | { uri?: vscode.Uri | string; service?: string; device?: string } | undefined;

/** The file to deploy: the argument, the active editor, else one picked from the workspace. */
async function deployFile(arg: DeployArg): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && arg.uri) return typeof arg.uri === 'string' ? vscode.Uri.parse(arg.uri) : arg.uri;
  const active = vscode.window.activeTextEditor?.document;
  if (active?.uri.scheme === 'file' && isDeployable(active.uri.fsPath)) return active.uri;
  const found = await vscode.workspace.findFiles('**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml}', '**/node_modules/**', 50);
  if (found.length === 1) return found[0];
  if (!found.length) {
    void vscode.window.showInformationMessage('Pier: open a Dockerfile or a Compose file to deploy.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'Pier: deploy which file?' },
  );
  return pick?.uri;
}

/** pier.deploy */
export async function deploy(env: CommandEnv, raw?: unknown): Promise<boolean> {
  const arg = raw as DeployArg;
  const file = await deployFile(arg);
  if (!file) return false;
  const named = arg && !(arg instanceof vscode.Uri) && arg.device ? env.devices.find(arg.device) : undefined;
  let device = named ?? env.devices.target;
  if (!device) {
    device = await pickDevice(env.devices, undefined, 'Deploy to which device?');
    if (!device) return false;
    await env.devices.setTarget(device);
  }
  // Unsaved edits would be missing from the build: save the file being deployed first.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
  if (open?.isDirty) await open.save();

  const log = deployLog();
  const app = appName(file);
  const req: DeployRequest = {
    file: file.fsPath,
    kind: /compose/i.test(path.basename(file.fsPath)) && /\.ya?ml$/.test(file.fsPath) ? 'compose' : 'dockerfile',
    app,
    device,
    service: arg && !(arg instanceof vscode.Uri) ? arg.service : undefined,
    workspaceFolder: vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath,
  };
  log.info(`deploy ${vscode.workspace.asRelativePath(file)} (${req.kind}) as ${app} to ${device.name} (${device.target.user}@${device.target.host}:${device.target.port})`);
  let phase: DeployPhase = 'probe';
  const started = Date.now();
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pier: deploying ${app} to ${device.name}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => {
          log.warn('cancelled by the user');
          ac.abort();
        });
        let shown = 0;
        const report = (r: StepReport) => {
          phase = r.phase;
          if (r.log) log.appendLine(r.log);
          if (r.message === undefined) return;
          // Bytes move the bar within the ship step; other steps only change the words.
          const pct = r.bytes && r.bytes.total > 0 ? Math.min(100, (100 * r.bytes.done) / r.bytes.total) : undefined;
          const increment = pct !== undefined && pct > shown ? pct - shown : undefined;
          if (increment) shown = pct!;
          progress.report({ message: `${r.phase}: ${r.message}`, increment });
        };
        return runDeployPipeline(req, { devices: env.devices, signal: ac.signal, report, log: (l) => log.info(l) });
      },
    );
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    log.info(`done in ${secs} s: ${outcome.summary}`);
    buildDiagnostics?.clear();
    void vscode.window.showInformationMessage(`Pier: ${outcome.run?.app ?? app} runs on ${device.name} (${secs} s). ${outcome.summary}`, 'Show Deploy Log').then((a) => a && showDeployLog());
    if (outcome.logsTarget) await openLogs(outcome.logsTarget);
    return true;
  } catch (e) {
    if (e instanceof BuildFailed) showBuildDiagnostics(e);
    const f = deployFailure(e, phase, device.name);
    if (f.cancelled) log.warn(f.message);
    else log.error(`${f.message}${(e as Error)?.stack ? `\n${(e as Error).stack}` : ''}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const actions = f.actions.filter((a) => registered.has(a.command));
    const show = f.cancelled ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    // Not awaited: the command ends with the failure, the buttons stay until the person acts.
    void show(f.message, ...actions.map((a) => a.title)).then((picked) => {
      const act = actions.find((a) => a.title === picked);
      if (act) void vscode.commands.executeCommand(act.command, ...act.args);
    });
    return false;
  }
}

/** The Pier Logs view on the new container (or Compose project). */
async function openLogs(t: { device: string; ref: string; kind: 'container' | 'compose' }): Promise<void> {
  await showLogs(t);
}

/** A failed build's errors on the Dockerfile lines they came from. */
function showBuildDiagnostics(e: BuildFailed): void {
  buildDiagnostics ??= vscode.languages.createDiagnosticCollection('pier-build');
  buildDiagnostics.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of e.diagnostics) {
    const r = d.range;
    const diag = new vscode.Diagnostic(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
    diag.source = 'pier build';
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), diag]);
  }
  for (const [f, ds] of byFile) buildDiagnostics.set(vscode.Uri.file(f), ds);
}

/** pier.fixHostKey: open Pier's known_hosts at the device's line, with how to replace the key. */
export async function fixHostKey(env: CommandEnv, raw?: unknown): Promise<void> {
  const d = typeof raw === 'string' ? env.devices.find(raw) : env.devices.target;
  const file = vscode.Uri.file(defaultPierKnownHostsFile());
  const doc = await vscode.workspace.openTextDocument(file).then(
    (x) => x,
    () => undefined,
  );
  if (!doc) {
    void vscode.window.showInformationMessage(`Pier keeps no host key of its own for ${d?.name ?? 'this device'}; the old key is in ~/.ssh/known_hosts. Remove it there with ssh-keygen -R HOST, then connect again.`);
    return;
  }
  const editor = await vscode.window.showTextDocument(doc);
  const host = d?.target.host;
  const line = host ? doc.getText().split('\n').findIndex((l) => l.split(/\s/)[0]?.split(',').some((h) => h === host || h.startsWith(`[${host}]`))) : -1;
  if (line >= 0) {
    editor.selection = new vscode.Selection(line, 0, line, doc.lineAt(line).text.length);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenter);
  }
  void vscode.window.showWarningMessage(
    `Only if you know ${d?.name ?? 'the device'} was reinstalled: delete its selected line, save, and connect again; Pier then asks you to trust the new key.`,
  );
}
