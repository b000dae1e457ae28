// "Pier: Roll Back to Previous Version": pick a device and one of the apps Pier deployed there,
// then put back the version that ran well before the current one, with progress, and say how it
// ended (the failing version's exit code and log lines go to the deploy log when it fails).

import * as vscode from 'vscode';
import { deploySucceeded } from '../edge/run/deploy-step';
import { appHistory, deployedApps, rollbackApp } from '../edge/run/rollback-app';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** pier.rollback */
export async function rollBack(service: DeviceService, node?: DeviceNode, appArg?: string): Promise<void> {
  const device = await pickDevice(service, node, 'Roll back an app on which device?');
  if (!device) return;
  try {
    const probe = await service.probe(device);
    if (!probe.runtime) throw new Error(`${device.name} has no container runtime Pier can use.`);
    const conn = service.pool.get(device.target);
    let app = appArg;
    if (!app) {
      const apps = await deployedApps({ conn });
      if (!apps.length) {
        void vscode.window.showInformationMessage(`Pier has not deployed any app on ${device.name} yet.`);
        return;
      }
      const items = await Promise.all(
        apps.map(async (a) => {
          const h = await appHistory({ conn }, a.app);
          const good = h.filter((x) => x.ok);
          return { label: a.app, description: a.compose ? 'Compose' : 'container', detail: good.length > 1 ? `now ${good[0].version}; back to ${good.find((x) => x.version !== good[0].version)?.version ?? '-'}` : 'no earlier version kept', app: a.app };
        }),
      );
      app = (await vscode.window.showQuickPick(items, { title: `Roll back which app on ${device.name}?` }))?.app;
      if (!app) return;
    }
    const chosen = app;
    const out = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rolling back ${chosen} on ${device.name}`, cancellable: true }, (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return rollbackApp({ conn, runtime: probe.runtime!, signal: ac.signal, onEvent: (e) => progress.report({ message: e.message }) }, chosen, probe);
    });
    if (deploySucceeded(out)) void vscode.window.showInformationMessage(out.summary);
    else void vscode.window.showErrorMessage(out.summary.split('\n')[0]);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
  }
  await vscode.commands.executeCommand('pier.refreshDevices');
}
