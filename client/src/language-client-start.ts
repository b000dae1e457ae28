// The language client itself, in a module of its own so the bundler puts vscode-languageclient
// in a chunk that language-client.ts loads when the first Dockerfile or Compose file opens.

import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** A client for dist/server.js over IPC, not started yet. */
export function createLanguageClient(context: ExtensionContext, documentSelector: DocumentSelector): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  // Node 22+ (recent VS Code builds) keeps V8's compiled code for the server bundle here, so
  // later starts skip most of the parse and compile; older runtimes ignore the variable.
  const env = { ...process.env, NODE_COMPILE_CACHE: path.join(context.globalStorageUri.fsPath, 'server-compile-cache') };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    diagnosticCollectionName: 'pier',
  };
  return new LanguageClient('pier', 'Pier Language Server', serverOptions, clientOptions);
}
