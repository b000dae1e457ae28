// "Add Device": a guided entry (name, address, user, port, key, jump host) written to the
// pier.devices setting of the workspace, or of the user when no folder is open.

import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { validateDeviceSetting, type DeviceSetting } from '../edge/devices/list';
import type { DeviceService } from '../views/devices-service';

/** pier.addDevice */
export async function addDevice(service: DeviceService): Promise<void> {
  const title = 'Pier: Add Device';
  const existing = new Set(service.views().map((v) => v.device.name));
  const name = await vscode.window.showInputBox({
    title: `${title} (1/5)`,
    prompt: 'A name for the device, as it will show in the tree',
    placeHolder: 'pi-kitchen',
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'A name is needed' : existing.has(v.trim()) ? 'A device with this name exists' : undefined),
  });
  if (!name) return;
  const address = await vscode.window.showInputBox({
    title: `${title} (2/5)`,
    prompt: 'Host name or address (or a Host alias of ~/.ssh/config); add :port if sshd is not on 22',
    placeHolder: '192.168.1.20',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s:]+(:\d{1,5})?$/.test(v.trim()) ? undefined : 'host or host:port, without spaces'),
  });
  if (!address) return;
  const [host, port] = address.trim().split(':');
  const user = await vscode.window.showInputBox({ title: `${title} (3/5)`, prompt: 'User to log in as (empty: from ~/.ssh/config or your local user name)', placeHolder: 'pi', ignoreFocusOut: true });
  if (user === undefined) return;
  const key = await vscode.window.showInputBox({ title: `${title} (4/5)`, prompt: 'Private key file (empty: ssh-agent and the usual ~/.ssh keys)', value: '', placeHolder: `${homedir()}/.ssh/id_ed25519`, ignoreFocusOut: true });
  if (key === undefined) return;
  const jump = await vscode.window.showInputBox({ title: `${title} (5/5)`, prompt: 'Jump host, if the device is only reachable through one (user@host:port; empty: none)', ignoreFocusOut: true });
  if (jump === undefined) return;
  const entry: DeviceSetting = { name: name.trim(), host };
  if (port) entry.port = Number(port);
  if (user.trim()) entry.user = user.trim();
  if (key.trim()) entry.identityFile = key.trim();
  if (jump.trim()) entry.proxyJump = jump.trim();
  const check = validateDeviceSetting(entry, 0);
  if (typeof check === 'string') {
    void vscode.window.showErrorMessage(check);
    return;
  }
  const cfg = vscode.workspace.getConfiguration('pier');
  const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = cfg.inspect<unknown[]>('devices');
  const current = (scope === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  await cfg.update('devices', [...(Array.isArray(current) ? current : []), entry], scope);
  await service.reload();
  const test = 'Test Connection';
  if ((await vscode.window.showInformationMessage(`Added ${entry.name}.`, test)) === test) {
    await vscode.commands.executeCommand('pier.testDeviceConnection', { kind: 'device', name: entry.name });
  }
}
