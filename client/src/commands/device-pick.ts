// Choosing a device, shared by the commands: the tree passes its node, the palette asks.

import * as vscode from 'vscode';
import type { Device } from '../edge/devices/list';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';

/** The device a command acts on: the clicked tree node, else a quick pick. */
export async function pickDevice(service: DeviceService, node: DeviceNode | undefined, title: string): Promise<Device | undefined> {
  if (node && node.kind !== 'leaf') return service.find(node.name);
  const views = service.views();
  if (!views.length) {
    const add = 'Add Device';
    if ((await vscode.window.showInformationMessage('Pier knows no devices yet.', add)) === add) await vscode.commands.executeCommand('pier.addDevice');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    views.map((v) => ({
      label: v.device.name,
      description: `${v.device.target.user}@${v.device.target.host}:${v.device.target.port}`,
      detail: [v.state?.status, v.probe?.platform, v.probe?.runtime ? `${v.probe.runtime.name} ${v.probe.runtime.version ?? ''}` : undefined].filter(Boolean).join(' · ') || undefined,
      device: v.device,
    })),
    { title, matchOnDescription: true },
  );
  return pick?.device;
}
