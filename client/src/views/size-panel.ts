// The breakdown view: a webview with the image's totals, each layer (instruction, size, waste,
// largest paths) and the top wasted paths with the size rules that explain them. Clicking a line
// number reveals it in the Dockerfile.

import * as vscode from 'vscode';
import { formatBytes, formatDelta } from '../../../server/src/analysis/size/format';
import type { ImageBreakdown } from '../edge/size/breakdown';
import { sizePanelHtml } from './size-panel-html';

let panel: vscode.WebviewPanel | undefined;

/** Show (or update) the breakdown panel. */
export function showSizePanel(context: vscode.ExtensionContext, b: ImageBreakdown, dockerfile?: vscode.Uri): void {
  if (!panel) {
    panel = vscode.window.createWebviewPanel('pier.sizeBreakdown', 'Image Size', vscode.ViewColumn.Beside, { enableScripts: true, enableFindWidget: true });
    panel.onDidDispose(() => (panel = undefined), undefined, context.subscriptions);
  }
  panel.title = `Size: ${b.image}`;
  const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((x) => x.toString(16).padStart(2, '0')).join('');
  panel.webview.html = sizePanelHtml(b, { nonce, cspSource: panel.webview.cspSource, formatBytes, formatDelta, linkable: !!dockerfile });
  const target = dockerfile;
  panel.webview.onDidReceiveMessage(
    async (m: { line?: number; rule?: string }) => {
      if (typeof m.line === 'number' && target) {
        const editor = await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.One });
        const pos = new vscode.Position(m.line, 0);
        editor.selection = new vscode.Selection(pos, pos);
        editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
      } else if (typeof m.rule === 'string' && /^[a-z0-9-]+$/.test(m.rule)) {
        void vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${m.rule}.md`));
      }
    },
    undefined,
    context.subscriptions,
  );
  panel.reveal(undefined, true);
}
