// Everything devices add to VS Code, registered from one table: the Edge Devices tree, the status
// bar item and the device commands. extension.ts calls registerDevices once.

import * as vscode from 'vscode';
import { addDevice } from '../commands/device-add';
import { runDeviceDoctor } from '../commands/device-doctor';
import { refreshDevices } from '../commands/device-refresh';
import { setDeployTarget } from '../commands/device-target';
import { openDeviceTerminal } from '../commands/device-terminal';
import { testDeviceConnection } from '../commands/device-test';
import { DeviceService } from './devices-service';
import { createDeviceStatus } from './devices-status';
import { DevicesTree, type DeviceNode } from './devices-tree';

let current: DeviceService | undefined;

/** The window's device service (for deploy and logs), once registerDevices ran. */
export function deviceService(): DeviceService | undefined {
  return current;
}

/** Register the devices view, status bar item and commands. */
export function registerDevices(context: vscode.ExtensionContext): DeviceService {
  const service = new DeviceService(context);
  current = service;
  const tree = new DevicesTree(service);
  const commands: Record<string, (node?: DeviceNode) => unknown> = {
    'pier.addDevice': () => addDevice(service),
    'pier.testDeviceConnection': (n) => testDeviceConnection(service, n),
    'pier.setDeployTarget': (n) => setDeployTarget(service, n),
    'pier.pickDeployTarget': () => setDeployTarget(service),
    'pier.runDeviceDoctor': (n) => runDeviceDoctor(service, n),
    'pier.openDeviceTerminal': (n) => openDeviceTerminal(service, n),
    'pier.refreshDevices': () => refreshDevices(service, tree),
  };
  context.subscriptions.push(
    service,
    tree,
    vscode.window.registerTreeDataProvider('pier.devices', tree),
    createDeviceStatus(service),
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn)),
  );
  void service.reload().then(() => {
    if (service.problems.length) void vscode.window.showWarningMessage(`Pier devices: ${service.problems.join('; ')}`);
  });
  return service;
}
