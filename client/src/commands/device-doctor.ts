// "Run Doctor": the device's findings with their fixes, in a Markdown preview.

import * as vscode from 'vscode';
import { runDoctor } from '../edge/devices/doctor';
import type { DeviceService } from '../views/devices-service';
import type { DeviceNode } from '../views/devices-tree';
import { pickDevice } from './device-pick';

/** pier.runDeviceDoctor */
export async function runDeviceDoctor(service: DeviceService, node?: DeviceNode): Promise<void> {
  const d = await pickDevice(service, node, 'Run the doctor on which device?');
  if (!d) return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Examining ${d.name}…`, cancellable: true }, async (_p, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    try {
      const r = await runDoctor(service.pool.get(d.target), { runtime: d.runtime, signal: ac.signal });
      const p = r.probe;
      const lines = [
        `# Doctor: ${d.name}`,
        '',
        `${p.platform ?? p.machine} · ${p.os} · ${p.runtime ? `${p.runtime.name} ${p.runtime.version ?? ''}` : 'no runtime'}`,
        '',
        ...(r.findings.length ? [] : ['No findings: nothing on this device hurts a small device.']),
        ...r.findings.flatMap((f) => [`## ${f.severity === 'error' ? '⛔' : f.severity === 'warning' ? '⚠️' : 'ℹ️'} ${f.title}`, '', f.detail, '', `**Fix:** ${f.fix}`, '']),
      ];
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
    }
  });
}
