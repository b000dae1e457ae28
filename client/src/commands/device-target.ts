// "Set as Deploy Target" and the status bar's "pick another": remembered per workspace.

import * as vscode from 'vscode';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** pier.setDeployTarget / pier.pickDeployTarget */
export async function setDeployTarget(service: DeviceService, node?: DeviceNode): Promise<void> {
  const d = await pickDevice(service, node, 'Deploy to which device?');
  if (!d) return;
  await service.setTarget(d);
  // Connecting now shows the state in the status bar and surfaces host key or login questions early.
  void service.probe(d).catch((e: Error) => vscode.window.showWarningMessage(`${d.name} is the deploy target, but: ${e.message}`));
}
