// Wires the connection to the documents and every feature. Nothing here writes to stdout.
import { TextDocuments, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerDiagnostics } from './diagnostics';

/** Start serving on a connection; returns when wired (the connection runs until exit). */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: 2 },
    },
  }));
  registerDiagnostics(connection, documents);
  documents.listen(connection);
  connection.listen();
}
