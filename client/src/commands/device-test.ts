// "Test Connection": connect (asking for a host key or passphrase if needed) and probe.

import * as vscode from 'vscode';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** pier.testDeviceConnection */
export async function testDeviceConnection(service: DeviceService, node?: DeviceNode): Promise<void> {
  const d = await pickDevice(service, node, 'Test the connection to which device?');
  if (!d) return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${d.name}…`, cancellable: true }, async (_p, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      const p = await service.probe(d, ac.signal);
      const rt = p.runtime ? `${p.runtime.name} ${p.runtime.version ?? ''}${p.runtime.access === 'direct' ? '' : ` (${p.runtime.access})`}` : 'no container runtime';
      void vscode.window.showInformationMessage(`${d.name}: ${p.platform ?? p.machine}, ${p.os}, ${rt}${p.compose ? `, compose ${p.compose.version}` : ''}.`);
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
    }
  });
}
