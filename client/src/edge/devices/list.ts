// The device list: entries of the `pier.devices` setting first, then the concrete hosts of
// ~/.ssh/config. A setting whose host is an ssh_config alias inherits that alias's options, and
// what the setting says wins, as a command-line option wins over the config in OpenSSH.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../ssh/target';
import { configHosts, loadSshConfig, resolveHost, resolveJumps, type SshConfigContext } from './ssh-config';

/** Container runtimes Pier knows how to drive. */
export const RUNTIMES = ['docker', 'podman', 'nerdctl', 'k3s'] as const;
/** One of the known runtimes. */
export type RuntimeName = (typeof RUNTIMES)[number];

/** One entry of the `pier.devices` setting (the JSON schema in package.json says the same). */
export interface DeviceSetting {
  name: string;
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  proxyJump?: string;
  runtime?: RuntimeName;
}

/** A device Pier can connect to. */
export interface Device {
  name: string;
  source: 'settings' | 'ssh-config';
  target: SshTarget;
  /** The runtime to use when the device has several; absent means detect. */
  runtime?: RuntimeName;
}

/** Options for building the list. */
export interface ListOptions extends SshConfigContext {
  /** Path of the ssh config; defaults to ~/.ssh/config. */
  sshConfigPath?: string;
  /** Whether hosts of the ssh config become devices of their own (default true). */
  importSshConfigHosts?: boolean;
}

/** The list and the problems found in the settings or config, to show rather than throw. */
export interface DeviceList {
  devices: Device[];
  problems: string[];
}

/** Check one raw setting entry; returns the entry or a problem. */
export function validateDeviceSetting(raw: unknown, index: number): DeviceSetting | string {
  const where = `pier.devices[${index}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `${where}: expected an object with name and host`;
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || !r.name.trim()) return `${where}: "name" must be a non-empty string`;
  if (typeof r.host !== 'string' || !r.host.trim() || /\s/.test(r.host)) return `${where} (${r.name}): "host" must be a host name, address or ssh_config alias without spaces`;
  if (r.port !== undefined && (!Number.isInteger(r.port) || (r.port as number) < 1 || (r.port as number) > 65535)) return `${where} (${r.name}): "port" must be 1-65535`;
  for (const k of ['user', 'identityFile', 'proxyJump'] as const) {
    if (r[k] !== undefined && typeof r[k] !== 'string') return `${where} (${r.name}): "${k}" must be a string`;
  }
  if (r.runtime !== undefined && !RUNTIMES.includes(r.runtime as RuntimeName)) return `${where} (${r.name}): "runtime" must be one of ${RUNTIMES.join(', ')}`;
  return r as unknown as DeviceSetting;
}

/** Build the device list from the setting's raw value and the ssh config. */
export async function listDevices(rawSettings: unknown, o: ListOptions = {}): Promise<DeviceList> {
  const home = o.home ?? homedir();
  const ctx = { home, localUser: o.localUser };
  const { config, problems } = await loadSshConfig(o.sshConfigPath ?? join(home, '.ssh', 'config'), ctx);
  const devices: Device[] = [];
  const names = new Set<string>();
  const entries = rawSettings === undefined || rawSettings === null ? [] : Array.isArray(rawSettings) ? rawSettings : (problems.push('pier.devices: expected an array'), []);
  entries.forEach((raw, i) => {
    const s = validateDeviceSetting(raw, i);
    if (typeof s === 'string') return void problems.push(s);
    if (names.has(s.name)) return void problems.push(`pier.devices[${i}]: the name "${s.name}" is used twice; the first one is kept`);
    names.add(s.name);
    const r = resolveHost(config, s.host, ctx, { user: s.user, port: s.port });
    const identityFiles = s.identityFile ? [s.identityFile.replace(/^~(?=\/|$)/, home)] : r.identityFiles;
    devices.push({
      name: s.name,
      source: 'settings',
      runtime: s.runtime,
      target: {
        name: s.name,
        host: r.host,
        port: r.port,
        user: r.user,
        identityFiles,
        // A key named in the setting is meant to be the one used.
        identitiesOnly: s.identityFile ? true : r.identitiesOnly,
        jumps: resolveJumps(config, s.proxyJump ?? r.proxyJump, ctx),
      },
    });
  });
  if (o.importSshConfigHosts !== false) {
    for (const alias of configHosts(config)) {
      if (names.has(alias)) continue;
      names.add(alias);
      const r = resolveHost(config, alias, ctx);
      devices.push({
        name: alias,
        source: 'ssh-config',
        target: { name: alias, host: r.host, port: r.port, user: r.user, identityFiles: r.identityFiles, identitiesOnly: r.identitiesOnly, jumps: resolveJumps(config, r.proxyJump, ctx) },
      });
    }
  }
  return { devices, problems };
}

/** Find a device by name, with a message listing the known names when it is not there. */
export function findDevice(list: DeviceList, name: string): Device {
  const d = list.devices.find((x) => x.name === name);
  if (d) return d;
  const known = list.devices.map((x) => x.name);
  throw new Error(`no device named '${name}'. ${known.length ? `Known devices: ${known.join(', ')}.` : 'No devices are configured: add one to the pier.devices setting or a Host to ~/.ssh/config.'}`);
}
