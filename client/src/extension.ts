// Activation only: wire the parts together. The language server starts when the first Dockerfile
// or Compose file is open, not at activation, so a workspace that merely contains one pays for a
// child process only when someone looks at it. Commands come from commands/table.ts.
import * as vscode from 'vscode';
import { registerCommands } from './commands/table';
import { startLanguageClientWhenNeeded, stopLanguageClient } from './language-client';
import { registerPierTasks } from './tasks/pier-tasks';
import { registerDeployLens } from './views/code-lens';
import { registerDevices } from './views/devices-register';
import { registerLogsView } from './logs/logs-view';

export function activate(context: vscode.ExtensionContext): void {
  startLanguageClientWhenNeeded(context);
  const { devices, tree } = registerDevices(context);
  context.subscriptions.push(...registerCommands({ context, devices, tree }), ...registerDeployLens(devices), registerPierTasks(devices));
  context.subscriptions.push(registerLogsView(context, devices));
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}
