// The extension's device state: the list from settings and ~/.ssh/config, one shared connection
// pool, the last probe of each device, and the deploy target remembered per workspace. Views and
// commands read it and listen to its change event.

import * as vscode from 'vscode';
import type { Device, DeviceList } from '../edge/devices/list';
import type { ProbeResult } from '../edge/devices/probe';
import type { ConnectionState } from '../edge/ssh/connection';
import { isDeviceError } from '../edge/ssh/errors';
import { SshPool } from '../edge/ssh/pool';
import { defaultKnownHostsFiles, defaultPierKnownHostsFile } from '../edge/ssh/target';
import { confirmHostKey, secretPrompts } from './devices-secrets';

const TARGET_KEY = 'pier.deployTarget';

/** What the views show about one device. */
export interface DeviceView {
  device: Device;
  state: ConnectionState | undefined;
  probe?: ProbeResult;
  /** The last probe or connection failure, in words that say what to do. */
  error?: string;
}

/** Owner of the device list, the pool and the deploy target for one window. */
export class DeviceService implements vscode.Disposable {
  readonly pool: SshPool;
  private list: DeviceList = { devices: [], problems: [] };
  private readonly probes = new Map<string, ProbeResult>();
  private readonly errors = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when the list, a state, a probe or the target changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.pool = new SshPool({
      hostKeys: { knownHostsFiles: defaultKnownHostsFiles(), pierKnownHostsFile: defaultPierKnownHostsFile(), confirmUnknown: confirmHostKey },
      secrets: secretPrompts(context.secrets),
      log: undefined,
    });
    this.disposables.push(
      this.changed,
      { dispose: this.pool.onState(() => this.changed.fire()) },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pier.devices') || e.affectsConfiguration('pier.sshConfig')) void this.reload();
      }),
    );
  }

  /** Read the device list again from settings and ~/.ssh/config. */
  async reload(): Promise<void> {
    // The list and probe modules (with the ssh_config parser) load on first use, after
    // activation: the first reload is not awaited there.
    const { listDevices } = await import('../edge/devices/list.js');
    const cfg = vscode.workspace.getConfiguration('pier');
    this.list = await listDevices(cfg.get('devices'), {
      importSshConfigHosts: cfg.get<boolean>('sshConfig.importHosts', true),
      sshConfigPath: cfg.get<string>('sshConfig.path') || undefined,
    });
    // Drop connections of devices whose settings changed or that are gone.
    for (const d of this.list.devices) if (this.pool.find(d.name)) this.pool.get(d.target);
    this.changed.fire();
  }

  /** Problems in the settings or ssh config, for a warning. */
  get problems(): string[] {
    return this.list.problems;
  }

  /** Every device with what is known about it. */
  views(): DeviceView[] {
    return this.list.devices.map((d) => this.view(d));
  }

  /** One device with what is known about it. */
  view(d: Device): DeviceView {
    return { device: d, state: this.pool.find(d.name)?.state, probe: this.probes.get(d.name), error: this.errors.get(d.name) };
  }

  /** A device by name. */
  find(name: string): Device | undefined {
    return this.list.devices.find((d) => d.name === name);
  }

  /** Connect (if needed) and probe; failures are kept for the tree and rethrown. */
  async probe(d: Device, signal?: AbortSignal): Promise<ProbeResult> {
    try {
      const { probeDevice } = await import('../edge/devices/probe.js');
      const p = await probeDevice(this.pool.get(d.target), { runtime: d.runtime, signal });
      this.probes.set(d.name, p);
      this.errors.delete(d.name);
      return p;
    } catch (e) {
      this.errors.set(d.name, isDeviceError(e) ? e.message : String((e as Error)?.message ?? e));
      throw e;
    } finally {
      this.changed.fire();
    }
  }

  /** The deploy target of this workspace, if set and still configured. */
  get target(): Device | undefined {
    const name = this.context.workspaceState.get<string>(TARGET_KEY);
    return name ? this.find(name) : undefined;
  }

  /** Remember the deploy target for this workspace. */
  async setTarget(d: Device | undefined): Promise<void> {
    await this.context.workspaceState.update(TARGET_KEY, d?.name);
    this.changed.fire();
  }

  dispose(): void {
    this.pool.closeAll();
    for (const d of this.disposables) d.dispose();
  }
}
