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

  test('deploy to the lab device from the command, then its logs in the Pier Logs view', async function () {
    // Build for arm64 on a loaded machine, ship, start and wait for the image's HEALTHCHECK.
    this.timeout(600_000);
    const uri = fixture('sensor-publisher/Dockerfile');
    await vscode.window.showTextDocument(uri);
    const result = vscode.commands.executeCommand<boolean>('pier.deploy', uri);
    // The progress notification, as the notification list shows it while the deploy runs: the
    // picture for the README.
    await vscode.commands.executeCommand('notifications.showList');
    const shot = await ask<{ found: boolean }>('screenshot', { path: join(__PIER_SHOTS__, 'deploy.png'), waitFor: '.notifications-center .notification-list-item', timeoutMs: 60_000 }, 90_000);
    await vscode.commands.executeCommand('notifications.hideList');
    const ok = await result;
    assert.ok(shot.found, 'the deploy notification showed');
    assert.ok(existsSync(join(__PIER_SHOTS__, 'deploy.png')) && statSync(join(__PIER_SHOTS__, 'deploy.png')).size > 10_000);
    assert.equal(ok, true, 'the deploy completed (the Pier Deploy log says why not)');
    // The deploy ends by opening the Pier Logs view on the new container; the publisher's
    // numbered readings arrive there.
    const { lines } = await ask<{ lines: string[] }>('frames', { match: ['seq=', 'temp_c='], timeoutMs: 120_000 }, 130_000);
    const readings = lines.filter((l) => /seq=\d+ sensor=\S+ temp_c=/.test(l));
    assert.ok(readings.length >= 2, `the logs view shows the app's lines: ${lines.slice(-10).join(' | ')}`);
    await screenshot(join(__PIER_SHOTS__, 'logs.png'));
  });

  test('the deployed container stops, starts and restarts from its device-tree item; Inspect shows its state', async function () {
    this.timeout(180_000);
    // The tree's container item, as a click passes it (its id names the device and the container).
    const node = { kind: 'leaf', item: { id: JSON.stringify(['pier.container', device, 'sensor-publisher']) } };
    const inspect = async (): Promise<{ State: { Running: boolean; StartedAt: string } }> => {
      await vscode.commands.executeCommand('pier.containerInspect', node);
      const doc = vscode.window.activeTextEditor?.document;
      assert.equal(doc?.languageId, 'json', 'Inspect opened the JSON');
      const json = JSON.parse(doc.getText());
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      return json;
    };
    const first = await inspect();
    assert.equal(first.State.Running, true);
    await vscode.commands.executeCommand('pier.containerStop', node);
    assert.equal((await inspect()).State.Running, false, 'stopped');
    await vscode.commands.executeCommand('pier.containerStart', node);
    const started = await inspect();
    assert.equal(started.State.Running, true, 'started again');
    await vscode.commands.executeCommand('pier.containerRestart', node);
    const restarted = await inspect();
    assert.equal(restarted.State.Running, true);
    assert.notEqual(restarted.State.StartedAt, started.State.StartedAt, 'restarted: a new start time');
  });
});

/** Rows of the side bar's lists once one of them contains every string of `match`. */
async function sidebarRows(match: string[]): Promise<string[]> {
  return (await ask<{ rows: string[] }>('rows', { selector: '.part.sidebar .monaco-list-row', match, timeoutMs: 30_000 }, 40_000)).rows;
}
