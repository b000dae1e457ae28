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
  // The list is read after activation has returned: reading it loads the list module and the
  // ssh_config parser, and the files are read asynchronously either way, so the view fills in
  // when it is ready, as before, without the load counting against activation.
  const first = setImmediate(() =>
    void service.reload().then(() => {
      if (service.problems.length) void vscode.window.showWarningMessage(`Pier devices: ${service.problems.join('; ')}`);
    }),
  );
  context.subscriptions.push({ dispose: () => clearImmediate(first) });
  return { devices: service, tree };
}
