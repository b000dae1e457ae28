// "Pier: Start Device Lab": bring up the built-in emulated arm64 device (docs/lab.md) when it is
// not up, then make its devices Pier devices of this workspace: an entry in pier.devices with the
// lab's client key, the lab's host keys in Pier's own known_hosts (the lab generated them on this
// machine a moment ago, in a root-only folder, so there is nobody to verify them against), and the
// first device as the deploy target. The walkthrough's first step runs this.

import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { labStatus, labUp, type LabState } from '../edge/lab';
import type { DeviceSetting } from '../edge/devices/list';
import { appendKnownHost, entryMatchesHost, parseKnownHosts } from '../edge/ssh/known-hosts';
import { defaultPierKnownHostsFile } from '../edge/ssh/target';
import type { CommandEnv } from './table';

/** pier.startLab; resolves with the names of the lab devices added. */
export async function startLab(env: CommandEnv): Promise<string[]> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    void vscode.window.showErrorMessage('Pier: the device lab needs Linux and root (it makes network namespaces and runs sshd and dockerd per device). Run `pier lab up` as root on a Linux machine, or add a real device.');
    return [];
  }
  let state: LabState | undefined = labStatus().healthy ? labStatus().state : undefined;
  if (!state) {
    try {
      state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Pier: starting the device lab', cancellable: true }, (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return labUp({ signal: ac.signal, onProgress: (m) => progress.report({ message: m }) });
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`Pier: the lab did not start: ${(e as Error).message}`);
      return [];
    }
  }
  await trustLabHostKeys(state);
  const cfg = vscode.workspace.getConfiguration('pier');
  const folder = !!vscode.workspace.workspaceFolders?.length;
  const scope = folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = cfg.inspect<DeviceSetting[]>('devices');
  const current = (folder ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const entries: DeviceSetting[] = state.devices.map((d) => ({ name: labDeviceName(state!, d.name), host: d.address, port: d.sshPort, user: state!.user, identityFile: state!.clientKey, runtime: 'docker' }));
  const names = new Set(entries.map((e) => e.name));
  await cfg.update('devices', [...current.filter((d) => !names.has(d.name)), ...entries], scope);
  await env.devices.reload();
  const first = env.devices.find(entries[0].name);
  if (first) await env.devices.setTarget(first);
  void vscode.window.showInformationMessage(`Pier: lab device${entries.length > 1 ? 's' : ''} ${[...names].join(', ')} ready${first ? `; ${first.name} is the deploy target` : ''}.`);
  return [...names];
}

/** The Pier device name of a lab device: `lab-dev1` for the default lab. */
export function labDeviceName(state: Pick<LabState, 'name'>, device: string): string {
  return state.name === 'default' ? `lab-${device}` : `lab-${state.name}-${device}`;
}

/** Replace Pier's known keys of the lab's addresses with the keys of this `up`. */
async function trustLabHostKeys(state: LabState): Promise<void> {
  const file = defaultPierKnownHostsFile();
  const lab = parseKnownHosts(await readFile(state.knownHosts, 'utf8'), state.knownHosts);
  const mine = await readFile(file, 'utf8').catch(() => '');
  const stale = new Set(
    parseKnownHosts(mine, file)
      .filter((e) => state.devices.some((d) => entryMatchesHost(e, d.address, d.sshPort)))
      .map((e) => e.line),
  );
  if (stale.size) await writeFile(file, mine.split('\n').filter((_, i) => !stale.has(i + 1)).join('\n'), { mode: 0o600 });
  for (const d of state.devices) {
    for (const e of lab.filter((x) => entryMatchesHost(x, d.address, d.sshPort))) await appendKnownHost(file, d.address, d.sshPort, e.key);
  }
}
