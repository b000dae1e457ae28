// Quick fixes: each finding's own fixes (the first preferred), then "Ignore <id> on this line"
// and "Ignore <id> in this file" for every finding in the requested range.

import { CodeActionKind, type CancellationToken, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Range } from '../analysis/engine/types';
import { toDiagnostic } from './diagnostics';
import type { DocumentKind } from './languages';

/** Whether the client applies versioned edits (safer: refused when the document moved on). */
export interface EditTraits {
  documentChanges: boolean;
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** True when two ranges touch (a cursor at either end of a finding counts). */
export function touches(a: Range, b: Range): boolean {
  return before(a.start, b.end) && before(b.start, a.end);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function workspaceEdit(doc: TextDocument, edits: TextEdit[], traits: EditTraits): WorkspaceEdit {
  return traits.documentChanges ? { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] } : { changes: { [doc.uri]: edits } };
}

/** Whether the request's `only` filter admits quick fixes. */
function wantsQuickFix(only: string[] | undefined): boolean {
  return !only || only.some((k) => k === '' || k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`));
}

/** Code actions for the findings that touch the requested range. */
export function codeActions(doc: TextDocument, kind: DocumentKind, findings: Finding[], params: CodeActionParams, traits: EditTraits, token: CancellationToken): CodeAction[] {
  if (!wantsQuickFix(params.context.only)) return [];
  const fixes: CodeAction[] = [];
  const ignores: CodeAction[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (token.isCancellationRequested) return [];
    if (!touches(f.range, params.range)) continue;
    // Reuse the client's own diagnostic object when it sent one, so the editor links them.
    const diag: Diagnostic = params.context.diagnostics.find((d) => d.code === f.rule && sameRange(d.range, f.range)) ?? toDiagnostic(f, doc, kind);
    (f.fixes ?? []).forEach((fix, i) => {
      fixes.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: i === 0, edit: workspaceEdit(doc, fix.edits, traits) });
    });
    const line = kind.ignoreLineEdit?.(doc, f);
    const lineKey = line ? `line:${f.rule}:${line.range.start.line}` : '';
    if (line && !seen.has(lineKey)) {
      seen.add(lineKey);
      ignores.push({ title: `Ignore ${f.rule} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: workspaceEdit(doc, [line], traits) });
    }
    const file = seen.has(`file:${f.rule}`) ? undefined : kind.ignoreFileEdit?.(doc, f);
    if (file) {
      seen.add(`file:${f.rule}`);
      ignores.push({ title: `Ignore ${f.rule} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: workspaceEdit(doc, [file], traits) });
    }
  }
  return [...fixes, ...ignores];
}
