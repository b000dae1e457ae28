// Findings as LSP diagnostics: the rule id as code, a link to the rule's docs page shipped with
// the extension, related places, and tags.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../analysis/engine/types';
import { MAX_ANALYSIS_BYTES } from '../analysis/file-kinds';
import type { DocumentKind } from './languages';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The diagnostic source name. */
export const SOURCE = 'pier';

let docsDir: string | undefined;

/**
 * docs/rules next to the extension. The bundle runs from dist/, so it is dist/../docs/rules;
 * from sources (tests) the same folder is a few levels further up.
 */
export function rulesDocsDir(): string {
  if (docsDir) return docsDir;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, '..', 'docs', 'rules');
    if (existsSync(candidate)) return (docsDir = candidate);
    dir = dirname(dir);
  }
  return (docsDir = join(__dirname, '..', 'docs', 'rules'));
}

/** The file: URI of a rule's docs page. */
export function ruleDocsUri(rule: string): string {
  return pathToFileURL(join(rulesDocsDir(), `${rule}.md`)).href;
}

/** A finding as an LSP diagnostic. */
export function toDiagnostic(f: Finding, doc: TextDocument, kind?: DocumentKind): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    message: f.message,
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.rule,
    codeDescription: { href: ruleDocsUri(f.rule) },
  };
  if (f.related?.length) {
    d.relatedInformation = f.related.map(
      (r): DiagnosticRelatedInformation => ({ message: r.message, location: { uri: r.file ? pathToFileURL(r.file).href : doc.uri, range: r.range } }),
    );
  }
  const tags = kind?.tags?.(doc, f);
  if (tags?.length) d.tags = tags;
  return d;
}

/** The one diagnostic a document too large to analyse gets. */
export function tooLargeDiagnostic(bytes: number): Diagnostic {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message: `Not analysed: this file is ${mb(bytes)} MB and Pier analyses files up to ${mb(MAX_ANALYSIS_BYTES)} MB.`,
  };
}

/** The one diagnostic a document with binary content gets. */
export function binaryDiagnostic(): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message: 'Not analysed: the file contains NUL bytes, so it is binary rather than a text file.',
  };
}
