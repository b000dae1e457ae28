// Highlights the Dockerfile lines whose layers are largest after a breakdown: the size after the
// line, and a background on the three largest, so the heavy instructions stand out at a glance.

import * as vscode from 'vscode';
import { formatBytes, formatDelta } from '../../../server/src/analysis/size/format';
import type { ImageBreakdown } from '../edge/size/breakdown';

let sizeType: vscode.TextEditorDecorationType | undefined;
let largestType: vscode.TextEditorDecorationType | undefined;

/** Decorate `editor` with the breakdown's per-line sizes (replacing earlier ones). */
export function decorateLayerSizes(context: vscode.ExtensionContext, editor: vscode.TextEditor, b: ImageBreakdown): void {
  sizeType ??= vscode.window.createTextEditorDecorationType({ after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground') } });
  largestType ??= vscode.window.createTextEditorDecorationType({ isWholeLine: true, backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'), overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'), overviewRulerLane: vscode.OverviewRulerLane.Right });
  context.subscriptions.push(sizeType, largestType);
  const layers = b.entries.filter((e) => e.hasLayer && e.line !== undefined);
  const largest = new Set([...layers].sort((x, y) => y.bytes - x.bytes).slice(0, 3).filter((e) => e.bytes >= 1_000_000));
  const sizes: vscode.DecorationOptions[] = [];
  const big: vscode.DecorationOptions[] = [];
  for (const e of layers) {
    const line = editor.document.lineAt(Math.min(e.line!, editor.document.lineCount - 1));
    const text = `${formatDelta(e.bytes)}${e.wastedBytes ? ` (${formatBytes(e.wastedBytes)} wasted)` : ''}`;
    const hover = new vscode.MarkdownString(`**${text}** in \`${b.image}\`\n\n${e.largest.slice(0, 5).map((p) => `- ${formatBytes(p.bytes)} \`${p.path}\`${p.rule ? ` (${p.rule})` : ''}`).join('\n')}`);
    sizes.push({ range: new vscode.Range(line.range.end, line.range.end), renderOptions: { after: { contentText: text } }, hoverMessage: hover });
    if (largest.has(e)) big.push({ range: line.range, hoverMessage: hover });
  }
  editor.setDecorations(sizeType, sizes);
  editor.setDecorations(largestType, big);
}
