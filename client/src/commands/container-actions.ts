// The device tree's container actions: start, stop, restart, remove (after a confirmation),
// inspect (the runtime's JSON in an editor) and a shell in the container (a terminal over an SSH
// pty that follows the terminal's size). Each works from the tree's item or, from the palette,
// asks for the device and the container.

import * as vscode from 'vscode';
import type { ClientChannel } from 'ssh2';
import { containerAction, inspectContainerJson, openContainerShell, type ContainerAction } from '../edge/run/actions';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickContainer } from './container-pick';

const VERB: Record<ContainerAction, [string, string]> = { start: ['Starting', 'started'], stop: ['Stopping', 'stopped'], restart: ['Restarting', 'restarted'], remove: ['Removing', 'removed'] };

/** pier.containerStart / Stop / Restart / Remove */
export async function runContainerAction(service: DeviceService, action: ContainerAction, node?: DeviceNode): Promise<void> {
  const c = await pickContainer(service, node, `${action[0].toUpperCase()}${action.slice(1)} which container?`);
  if (!c) return;
  if (action === 'remove') {
    const yes = 'Remove';
    const ok = await vscode.window.showWarningMessage(`Remove the container ${c.name} on ${c.device.name}? It is stopped first; its image stays.`, { modal: true }, yes);
    if (ok !== yes) return;
  }
  const [doing, done] = VERB[action];
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${doing} ${c.name} on ${c.device.name}` }, () => containerAction(c.conn, c.probe.runtime!, action, c.name));
    void vscode.window.showInformationMessage(`${c.name} on ${c.device.name} ${done}.`);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
  }
  await vscode.commands.executeCommand('pier.refreshDevices');
}

/** pier.containerInspect: the container's JSON in a read-only editor. */
export async function inspectContainer(service: DeviceService, node?: DeviceNode): Promise<void> {
  const c = await pickContainer(service, node, 'Inspect which container?');
  if (!c) return;
  try {
    const json = await inspectContainerJson(c.conn, c.probe.runtime!, c.name);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: json }), { preview: true });
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
  }
}

/** pier.containerShell: an interactive shell in the container (bash when it has one, else sh). */
export async function openContainerTerminal(service: DeviceService, node?: DeviceNode): Promise<void> {
  const c = await pickContainer(service, node, 'Open a shell in which container?');
  if (!c) return;
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let channel: ClientChannel | undefined;
  let resize: ((rows: number, cols: number) => void) | undefined;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open(dims) {
      openContainerShell(c.conn, c.probe.runtime!, c.name, { rows: dims?.rows ?? 24, cols: dims?.columns ?? 80 })
        .then((s) => {
          channel = s.channel;
          resize = s.resize;
          let code = 0;
          s.channel.on('data', (b: Buffer) => write.fire(b.toString('utf8')));
          s.channel.stderr.on('data', (b: Buffer) => write.fire(b.toString('utf8')));
          s.channel.on('exit', (n: number | null) => (code = n ?? 0));
          s.channel.on('error', (e: Error) => write.fire(`\r\n${e.message}\r\n`));
          s.channel.on('close', () => close.fire(code));
        })
        .catch((e: Error) => {
          write.fire(`\r\n${e.message}\r\n`);
          close.fire(1);
        });
    },
    close: () => channel?.close(),
    handleInput: (data) => channel?.write(data),
    setDimensions: (dims) => resize?.(dims.rows, dims.columns),
  };
  vscode.window.createTerminal({ name: `Pier: ${c.name} on ${c.device.name}`, pty, iconPath: new vscode.ThemeIcon('terminal') }).show();
}
