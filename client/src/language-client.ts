// Starts Pier's language server (dist/server.js) for Dockerfiles, and for Compose files once the
// server's document-kind table serves them. The server pulls `pier.lint` per document through
// workspace/configuration (the client answers it) and registers its own watchers for
// .hadolint.yaml and .dockerignore, so nothing else needs passing here.

import * as path from 'node:path';
import { window, type ExtensionContext } from 'vscode';
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

/** Stop the client if it runs. */
export async function stopLanguageClient(): Promise<void> {
  const c = client;
  client = undefined;
  starting = undefined;
  if (c?.needsStop()) await c.stop();
}
