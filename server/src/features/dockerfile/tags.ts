// Diagnostic tags, read from what a finding is rather than from a list of rule ids, so new
// rules get them without touching this file.

import { DiagnosticTag } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Range } from '../../analysis/engine/types';

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/**
 * Unnecessary: the preferred fix only deletes the flagged text, so the text does nothing useful
 * (editors fade it). Deprecated: the finding sits on a MAINTAINER keyword (editors strike it).
 */
export function dockerfileTags(doc: TextDocument, finding: Finding): DiagnosticTag[] {
  const tags: DiagnosticTag[] = [];
  const fix = finding.fixes?.[0];
  if (fix?.edits.length && fix.edits.every((e) => e.newText === '' && contains(e.range, finding.range))) tags.push(DiagnosticTag.Unnecessary);
  const r = finding.range;
  const lead = doc.getText({ start: { line: r.start.line, character: 0 }, end: r.start });
  if (/^\s*$/.test(lead) && /^MAINTAINER\b/i.test(doc.getText(r))) {
    tags.push(DiagnosticTag.Deprecated);
  }
  return tags;
}
