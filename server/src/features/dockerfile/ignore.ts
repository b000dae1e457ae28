// The suppression comments "Ignore <id> on this line" and "Ignore <id> in this file" insert.
// They are written in exactly the form engine/pragmas.ts reads: `# pier-ignore <id> -- reason`
// directly above the instruction (which then covers all its lines), and
// `# pier-ignore-file <id> -- reason` after any parser directives, which must stay first.

import type { TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../analysis/engine/types';
import { parsedDockerfile } from './parsed';

/** The placeholder reason; the pragma grammar accepts any text after `--`. */
export const IGNORE_REASON = 'reason';

const LINE_PRAGMA = /^(\s*#\s*pier-ignore\s+)([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/d;

/** The line break the document already uses. */
function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

/** `# pier-ignore <id> -- reason` above the instruction holding the finding, or merged into one there. */
export function dockerfileIgnoreLineEdit(doc: TextDocument, finding: Finding): TextEdit | undefined {
  const ctx = parsedDockerfile(doc);
  if (!ctx) return undefined;
  const line = finding.range.start.line;
  const inst = ctx.dockerfile.getInstructions().find((i) => i.getRange().start.line <= line && line <= i.getRange().end.line);
  // Outside any instruction (a stray comment, the end of the file) a line pragma has nothing to
  // attach to; the file-wide one still works there.
  if (!inst) return undefined;
  const start = inst.getRange().start.line;
  const above = start > 0 ? LINE_PRAGMA.exec(lineText(doc, start - 1)) : null;
  if (above?.indices?.[2]) {
    const ids = above[2].split(/\s*,\s*/);
    if (ids.includes(finding.rule)) return undefined;
    const at = { line: start - 1, character: above.indices[2][1] };
    return { range: { start: at, end: at }, newText: `,${finding.rule}` };
  }
  const indent = /^[ \t]*/.exec(lineText(doc, start))![0];
  const at = { line: start, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# pier-ignore ${finding.rule} -- ${IGNORE_REASON}${eolOf(doc.getText())}` };
}

/** `# pier-ignore-file <id> -- reason` at the top, after the parser directives. */
export function dockerfileIgnoreFileEdit(doc: TextDocument, finding: Finding): TextEdit | undefined {
  const ctx = parsedDockerfile(doc);
  if (!ctx) return undefined;
  const eol = eolOf(doc.getText());
  const comment = `# pier-ignore-file ${finding.rule} -- ${IGNORE_REASON}`;
  const directives = ctx.dockerfile.getDirectives();
  const line = directives.length ? directives[directives.length - 1].getRange().end.line + 1 : 0;
  if (line >= doc.lineCount) {
    // The directives are the whole file and it has no final line break: start a new line.
    const end = doc.positionAt(doc.getText().length);
    return { range: { start: end, end }, newText: `${eol}${comment}${eol}` };
  }
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${comment}${eol}` };
}
