// Starts Pier's language server (dist/server.js) for Dockerfiles, and for Compose files once the
// server's document-kind table serves them. The server pulls `pier.lint` per document through
// workspace/configuration (the client answers it) and registers its own watchers for
// .hadolint.yaml and .dockerignore, so nothing else needs passing here.

import * as path from 'node:path';
import { languages, window, workspace, type ExtensionContext, type TextDocument } from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;

/** Dockerfiles by language id, and by name even when another extension claimed the file. */
export const documentSelector: DocumentSelector = [
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'untitled', language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*}' },
  // Compose files: by the language id Pier (and the Docker extension) register, and by name.
  { scheme: 'file', language: 'dockercompose' },
  { scheme: 'untitled', language: 'dockercompose' },
  { scheme: 'file', pattern: '**/{compose,docker-compose}.{yaml,yml}' },
  { scheme: 'file', pattern: '**/{compose,docker-compose}.*.{yaml,yml}' },
];

/** Start the client once; resolves when the server is up (or undefined when it failed to start). */
export function startLanguageClient(context: ExtensionContext): Promise<LanguageClient | undefined> {
  if (starting) return starting;
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
  const c = new LanguageClient('pier', 'Pier Language Server', serverOptions, clientOptions);
  client = c;
  context.subscriptions.push(c);
  starting = c.start().then(
    () => c,
    (e: unknown) => {
      void window.showErrorMessage(`Pier's language server did not start: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    },
  );
  return starting;
}

/** Whether a document is one the server analyses (the selector above, asked of VS Code). */
function served(doc: TextDocument): boolean {
  return languages.match(documentSelector as Parameters<typeof languages.match>[0], doc) > 0;
}

/**
 * Start the client as soon as a Dockerfile or Compose file is open: now if one already is, else
 * on the first one opened. Activation itself (a workspace that only contains such a file, a Pier
 * view, a command) then costs no child process.
 */
export function startLanguageClientWhenNeeded(context: ExtensionContext): void {
  if (workspace.textDocuments.some(served)) {
    void startLanguageClient(context);
    return;
  }
  const sub = workspace.onDidOpenTextDocument((doc) => {
    if (!served(doc)) return;
    sub.dispose();
    void startLanguageClient(context);
  });
  context.subscriptions.push(sub);
}

/** Stop the client if it runs. */
export async function stopLanguageClient(): Promise<void> {
  const c = client;
  client = undefined;
  starting = undefined;
  if (c?.needsStop()) await c.stop();
}
