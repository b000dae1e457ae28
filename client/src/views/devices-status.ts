// The status-bar item: the deploy target and its connection state; a click picks another.

import * as vscode from 'vscode';
import type { DeviceService } from './devices-service';
import { stateText } from './devices-tree';

/** Create the status-bar item and keep it current. */
export function createDeviceStatus(service: DeviceService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('pier.deviceStatus', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Pier: deploy target';
  item.command = 'pier.pickDeployTarget';
  const update = () => {
    const t = service.target;
    if (!t) {
      item.text = '$(vm-outline) Pier: no device';
      item.tooltip = 'Pick the device Pier deploys to';
      item.backgroundColor = undefined;
    } else {
      const v = service.view(t);
      const s = v.state?.status;
      const icon = s === 'connected' ? '$(vm-running)' : s === 'connecting' || s === 'reconnecting' ? '$(sync~spin)' : s === 'failed' ? '$(error)' : '$(vm-outline)';
      item.text = `${icon} ${t.name}${v.probe?.platform ? ` (${v.probe.platform})` : ''}`;
      item.tooltip = `Deploy target: ${t.name} — ${stateText(v)}${v.error ? `\n${v.error}` : ''}\nClick to pick another device.`;
      item.backgroundColor = s === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  update();
  const sub = service.onDidChange(update);
  return { dispose: () => (sub.dispose(), item.dispose()) };
}
