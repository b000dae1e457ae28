// Activation only: start the language client. Commands and views join from their own files.
import type { ExtensionContext } from 'vscode';
import { startLanguageClient, stopLanguageClient } from './language-client';

export async function activate(context: ExtensionContext): Promise<void> {
  await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  await stopLanguageClient();
}
