// Starts Pier's language server (dist/server.js) for Dockerfiles, and for Compose files once the
// server's document-kind table serves them. The server pulls `pier.lint` per document through
// workspace/configuration (the client answers it) and registers its own watchers for
// .hadolint.yaml and .dockerignore, so nothing else needs passing here.

import { languages, window, workspace, type ExtensionContext, type TextDocument } from 'vscode';
import type { DocumentSelector, LanguageClient } from 'vscode-languageclient/node';

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
  // vscode-languageclient is a third of the extension's code: the bundler gives the module that
  // uses it a chunk of its own, loaded here, so a window that never opens a Dockerfile or Compose
  // file never loads it.
  starting ??= import('./language-client-start.js').then(
    ({ createLanguageClient }) => {
      const c = createLanguageClient(context, documentSelector);
      client = c;
      context.subscriptions.push(c);
      return c.start().then(
        () => c,
        (e: unknown) => failed(e),
      );
    },
    (e: unknown) => failed(e),
  );
  return starting;
}

function failed(e: unknown): undefined {
  void window.showErrorMessage(`Pier's language server did not start: ${(e as Error)?.message ?? String(e)}`);
  return undefined;
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
