// "Pier: Show Image Size Breakdown": pick a built image (the one last recorded for the active
// Dockerfile first), read it layer by layer with cancellable progress, show the breakdown view,
// highlight the Dockerfile's largest layers, and record the figures for the editor's hints.

import * as vscode from 'vscode';
import { BuildRecords } from '../../../server/src/size/build-records';
import { dockerCli } from '../../../server/src/size/local-engine';
import { imageBreakdown, toBuildRecord } from '../edge/size/breakdown';
import { showSizePanel } from '../views/size-panel';
import { decorateLayerSizes } from '../views/size-decorations';

/** Local images, newest first, as `repo:tag` (dangling ones left out). */
async function localImages(): Promise<string[]> {
  const r = await dockerCli(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { timeoutMs: 5000 }).catch(() => undefined);
  return (r?.stdout ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('<none>'));
}

/** pier.showImageSizeBreakdown */
export async function showImageSizeBreakdown(context: vscode.ExtensionContext, imageArg?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document.languageId === 'dockerfile' && editor.document.uri.scheme === 'file' ? editor.document : undefined;
  const records = new BuildRecords();
  let image = imageArg;
  if (!image) {
    const last = doc ? (await records.get(doc.uri.fsPath))?.image : undefined;
    const items = [...new Set([...(last ? [last] : []), ...(await localImages())])].map((label) => ({ label, description: label === last ? 'last analysed for this Dockerfile' : undefined }));
    const pick = await vscode.window.showQuickPick(items, { title: 'Image to break down (built from the active Dockerfile)', placeHolder: 'image reference, e.g. myapp:dev', ignoreFocusOut: true });
    image = pick?.label;
  }
  if (!image) return;
  const ref = image;
  try {
    const b = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pier: reading ${ref}`, cancellable: true }, (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return imageBreakdown(ref, { dockerfileText: doc?.getText(), signal: ac.signal, onProgress: (m) => progress.report({ message: m }) });
    });
    if (doc) {
      await records.put(toBuildRecord(b, doc.uri.fsPath));
      if (editor) decorateLayerSizes(context, editor, b);
    }
    showSizePanel(context, b, doc?.uri);
  } catch (e) {
    void vscode.window.showErrorMessage(`Pier: cannot break down ${ref}: ${(e as Error)?.message ?? String(e)}`);
  }
}
