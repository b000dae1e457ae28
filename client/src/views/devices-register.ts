// Everything devices add to VS Code: the Edge Devices tree and the status bar item. The device
// commands are registered from the command table (commands/table.ts), which gets the service
// and the tree from here. extension.ts calls registerDevices once.

import * as vscode from 'vscode';
import { DeviceService } from './devices-service';
import { createDeviceStatus } from './devices-status';
import { DevicesTree } from './devices-tree';

let current: DeviceService | undefined;

/** The window's device service (for deploy and logs), once registerDevices ran. */
export function deviceService(): DeviceService | undefined {
  return current;
}

/** Register the devices view and status bar item; returns the service and tree for the commands. */
export function registerDevices(context: vscode.ExtensionContext): { devices: DeviceService; tree: DevicesTree } {
  const service = new DeviceService(context);
  current = service;
  const tree = new DevicesTree(service);
  context.subscriptions.push(service, tree, vscode.window.registerTreeDataProvider('pier.devices', tree), createDeviceStatus(service));
  void service.reload().then(() => {
    if (service.problems.length) void vscode.window.showWarningMessage(`Pier devices: ${service.problems.join('; ')}`);
  });
  return { devices: service, tree };
}
