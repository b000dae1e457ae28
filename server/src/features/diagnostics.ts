// Publishes findings as diagnostics on open and change.
import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDockerfile } from '../analysis/dockerfile/analyze';
import type { Finding } from '../analysis/engine/types';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

/** A finding as an LSP diagnostic. */
export function toDiagnostic(f: Finding): Diagnostic {
  return { range: f.range, message: f.message, severity: SEVERITY[f.severity], source: 'pier', code: f.rule };
}

/** Validate documents as they open and change. */
export function registerDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>): void {
  const validate = (doc: TextDocument) => {
    const findings = analyzeDockerfile(doc.getText(), { log: (m) => connection.console.error(m) });
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: findings.map(toDiagnostic) });
  };
  documents.onDidOpen((e) => validate(e.document));
  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
}
