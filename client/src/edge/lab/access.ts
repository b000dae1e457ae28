// How other code reaches a lab device: its SSH coordinates and the lab's own key and known_hosts
// (never the user's ~/.ssh), as plain data and as OpenSSH client arguments.

import { buildCommand } from '../ssh/quote';
import type { LabDeviceState, LabState } from './types';

/** Everything a test or the SSH layer needs to connect to one lab device. */
export interface LabDeviceAccess {
  /** Lab name and device name, e.g. `default` / `dev1`. */
  lab: string;
  name: string;
  host: string;
  port: number;
  user: string;
  /** The lab's client private key (ed25519, no passphrase). */
  privateKeyPath: string;
  /** A known_hosts file with every device of the lab; use it with strict host key checking. */
  knownHostsPath: string;
  arch: LabDeviceState['arch'];
  /** What `uname -m` says on the device. */
  machine: LabDeviceState['machine'];
  /** Platform to build images for, e.g. `linux/arm64`. */
  platform: string;
  /** The device engine's socket as seen from the host, for checks that bypass SSH. */
  engineSocket: string;
  /** The device's network namespace, for tests that run a process "on the device's network". */
  netns: string;
}

/** Access data of one device of a lab. */
export function deviceAccess(state: LabState, dev: LabDeviceState): LabDeviceAccess {
  return {
    lab: state.name,
    name: dev.name,
    host: dev.address,
    port: dev.sshPort,
    user: state.user,
    privateKeyPath: state.clientKey,
    knownHostsPath: state.knownHosts,
    arch: dev.arch,
    machine: dev.machine,
    platform: dev.platform,
    engineSocket: dev.engineSocket,
    netns: dev.netns,
  };
}

/**
 * Arguments for OpenSSH's `ssh` that reach a device with the lab's key and strict host key
 * checking against the lab's known_hosts, ignoring the user's ssh config, keys and agent.
 * `remote` is an argument array, quoted by the project's one quoting helper.
 */
export function sshArgs(d: LabDeviceAccess, remote: readonly string[] = [], extra: readonly string[] = []): string[] {
  return [
    '-F', '/dev/null',
    '-i', d.privateKeyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', `UserKnownHostsFile=${d.knownHostsPath}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-p', String(d.port),
    ...extra,
    // After `--` ssh reads no more options, so a remote command is never taken for one.
    '--',
    `${d.user}@${d.host}`,
    ...(remote.length ? [buildCommand(remote)] : []),
  ];
}
