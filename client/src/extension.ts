// Activation only: start the language client. Commands and views join from their own files.
import type { ExtensionContext } from 'vscode';
import { startLanguageClient, stopLanguageClient } from './language-client';
import { registerDevices } from './views/devices-register';
import { registerSizeBreakdown } from './commands/show-image-size-breakdown';

export function activate(context: ExtensionContext): void {
  // Not awaited: the server comes up in the background, so activation (and the editor) does not
  // wait for a child process; diagnostics appear as soon as it answers.
  void startLanguageClient(context);
  registerDevices(context);
  registerSizeBreakdown(context);
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}
