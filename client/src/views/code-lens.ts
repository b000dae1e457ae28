// "Deploy to <device>" above the final FROM of a Dockerfile (the stage that becomes the image)
// and above a Compose file's top-level `services:`. Lenses follow the deploy target, and are not
// offered in a restricted workspace, where deploying is off.

import * as vscode from 'vscode';
import { finalFromLine, servicesLine } from './code-lens-lines';
import type { DeviceService } from './devices-service';

/** The code lens provider; `refresh()` when the target or trust changes. */
export class DeployLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly devices: DeviceService) {
    this.subs = [devices.onDidChange(() => this.changed.fire()), vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()), this.changed];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || doc.uri.scheme !== 'file') return [];
    if (!vscode.workspace.getConfiguration('pier', doc.uri).get<boolean>('deploy.codeLens', true)) return [];
    const text = doc.getText();
    const line = doc.languageId === 'dockercompose' || /\.ya?ml$/i.test(doc.fileName) ? servicesLine(text) : finalFromLine(text);
    if (line < 0) return [];
    const target = this.devices.target;
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [
      new vscode.CodeLens(range, {
        title: target ? `$(rocket) Deploy to ${target.name}` : '$(rocket) Deploy to a device…',
        tooltip: target ? `Build for ${target.name}'s platform, send only the layers it lacks, and run it there` : 'Pick the device to deploy to, then deploy',
        command: 'pier.deploy',
        arguments: [doc.uri],
      }),
    ];
    if (target) lenses.push(new vscode.CodeLens(range, { title: 'change device', tooltip: 'Pick another deploy target', command: 'pier.pickDeployTarget', arguments: [] }));
    return lenses;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** Register the provider for Dockerfiles and Compose files. */
export function registerDeployLens(devices: DeviceService): vscode.Disposable[] {
  const provider = new DeployLensProvider(devices);
  const selector: vscode.DocumentSelector = [
    { scheme: 'file', language: 'dockerfile' },
    { scheme: 'file', language: 'dockercompose' },
    { scheme: 'file', pattern: '**/{compose,docker-compose}{,.*}.{yaml,yml}' },
  ];
  return [provider, vscode.languages.registerCodeLensProvider(selector, provider)];
}
