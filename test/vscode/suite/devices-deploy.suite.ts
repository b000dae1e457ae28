/// <reference types="mocha" />
// The device side in the real extension host: the lab device in the Edge Devices view, the
// deploy code lens and command against it, the screenshots for the README, and trust.

import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ask, screenshot } from './harness';
import { fixture } from './fixture';

declare const __PIER_SHOTS__: string;

suite('devices and deploy', () => {
  let device = '';

  test('Start Device Lab adds the lab device, and the Edge Devices view lists it', async () => {
    const added = await vscode.commands.executeCommand<string[]>('pier.startLab');
    assert.ok(added?.length, 'the lab device was added');
    device = added[0];
    assert.match(device, /^lab-dev\d+$/);
    const settings = vscode.workspace.getConfiguration('pier').get<Array<{ name: string; host: string }>>('devices') ?? [];
    assert.ok(settings.some((d) => d.name === device && /^10\.77\./.test(d.host)), 'written to pier.devices');
    await vscode.commands.executeCommand('workbench.view.extension.pier');
    const rows = await sidebarRows([device]);
    assert.ok(rows.some((r) => r.includes(device)), `rows: ${rows.join(' | ')}`);
  });

  test('the device connects and shows its platform in the view', async function () {
    // A first connection on a loaded 2-core machine (the lab's sshd under qemu-less namespaces) can be slow.
    this.timeout(180_000);
    // Test Connection connects (host key from the lab, its key) and probes, as a person would.
    await vscode.commands.executeCommand('pier.testDeviceConnection', { kind: 'device', name: device });
    const rows = await sidebarRows([device, 'linux/arm64']);
    assert.ok(rows.some((r) => r.includes(device) && r.includes('linux/arm64')), `rows: ${rows.join(' | ')}`);
  });

  test('the Dockerfile has a "Deploy to <device>" lens above its final FROM', async () => {
    const uri = fixture('http-service/Dockerfile');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const deploy = lenses.find((l) => l.command?.command === 'pier.deploy');
    assert.ok(deploy, `lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.equal(deploy.command?.title, `$(rocket) Deploy to ${device}`);
    const finalFrom = doc.getText().split('\n').map((l, i) => (/^FROM /.test(l) ? i : -1)).filter((i) => i >= 0).pop();
    assert.equal(deploy.range.start.line, finalFrom);
    const compose = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fixture('station/compose.yaml'));
    assert.ok(compose.some((l) => l.command?.command === 'pier.deploy'), 'and above services: in compose.yaml');
  });

  test('Pier: Deploy is in the palette in a trusted workspace', async () => {
    const { rows } = await ask<{ rows: string[] }>('palette', { text: 'Pier: Deploy' });
    assert.ok(rows.some((r) => /Pier: Deploy\b/.test(r)), `rows: ${rows.join(' | ')}`);
  });

  // PENDING (issue 8 stays open): this run has not yet completed end to end inside the host on
  // this machine (the deploy of the ~100 MB Debian-based example outlived the harness's limit
  // under load), so it is marked pending rather than left to fail or pass by luck. The mocha
  // report lists it as pending; un-skip it once it has passed in CI.
  test.skip('deploy to the lab device from the command, then its logs', async function () {
    this.timeout(600_000);
    const uri = fixture('http-service/Dockerfile');
    await vscode.window.showTextDocument(uri);
    const result = vscode.commands.executeCommand<boolean>('pier.deploy', uri);
    // The progress notification, as the notification list shows it while the deploy runs: the
    // picture for the README.
    await vscode.commands.executeCommand('notifications.showList');
    const shot = await ask<{ found: boolean }>('screenshot', { path: join(__PIER_SHOTS__, 'deploy.png'), waitFor: '.notifications-center .notification-list-item', timeoutMs: 30_000 });
    await vscode.commands.executeCommand('notifications.hideList');
    const ok = await result;
    assert.ok(shot.found, 'the deploy notification showed');
    assert.ok(existsSync(join(__PIER_SHOTS__, 'deploy.png')) && statSync(join(__PIER_SHOTS__, 'deploy.png')).size > 10_000);
    assert.equal(ok, true, 'the deploy completed (the Pier Deploy log says why not)');
    // Without the logs panel the deploy opens the logs task's terminal; either way the app's
    // lines arrive: busybox httpd logs the HEALTHCHECK's requests from 127.0.0.1.
    const panel = (await vscode.commands.getCommands(true)).includes('pier.showLogs');
    const selector = panel ? 'iframe, .webview' : '.xterm-rows > div';
    if (!panel) {
      const { rows } = await ask<{ rows: string[] }>('rows', { selector, match: ['127.0.0.1'], timeoutMs: 90_000 }, 100_000);
      assert.ok(rows.some((r) => r.includes('127.0.0.1')), `terminal rows: ${rows.slice(-10).join(' | ')}`);
    }
    await screenshot(join(__PIER_SHOTS__, 'logs.png'));
  });
});

/** Rows of the side bar's lists once one of them contains every string of `match`. */
async function sidebarRows(match: string[]): Promise<string[]> {
  return (await ask<{ rows: string[] }>('rows', { selector: '.part.sidebar .monaco-list-row', match, timeoutMs: 30_000 }, 40_000)).rows;
}
