// Finding the device a build or deploy is for: the device list (settings and ~/.ssh/config) first,
// then the devices of running labs by name (`dev1`, or `LAB/dev1` when several labs run), so the
// built-in lab works without writing any setting.

import { findDevice, type DeviceList, type RuntimeName } from '../devices/list';
import { deviceAccess, labNamesUp, labStatus, type LabDeviceAccess } from '../lab';
import type { SshTarget } from '../ssh/target';

/** A device to connect to, and where it came from. */
export interface ResolvedDevice {
  name: string;
  target: SshTarget;
  runtime?: RuntimeName;
  /** For lab devices: the lab's own known_hosts (strict), which replaces the user's for this device. */
  knownHostsFile?: string;
  lab?: LabDeviceAccess;
}

/** Lab devices of every running lab, the default lab first. */
export function labDevices(): LabDeviceAccess[] {
  const names = labNamesUp().sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  const out: LabDeviceAccess[] = [];
  for (const n of names) {
    const st = labStatus(n).state;
    if (st?.phase === 'up') out.push(...st.devices.map((d) => deviceAccess(st, d)));
  }
  return out;
}

/** The SSH target of a lab device (the lab's key only). */
export function labTarget(d: LabDeviceAccess): SshTarget {
  return { name: d.lab === 'default' ? d.name : `${d.lab}/${d.name}`, host: d.host, port: d.port, user: d.user, identityFiles: [d.privateKeyPath], identitiesOnly: true, jumps: [] };
}

/** Resolve a device name: configured devices win; then `dev1` or `LAB/dev1` of a running lab. */
export function resolveDevice(name: string, list: DeviceList, labs: LabDeviceAccess[] = labDevices()): ResolvedDevice {
  const configured = list.devices.find((d) => d.name === name);
  if (configured) return { name, target: configured.target, runtime: configured.runtime };
  const slash = name.indexOf('/');
  const [lab, dev] = slash > 0 ? [name.slice(0, slash), name.slice(slash + 1)] : [undefined, name];
  const hits = labs.filter((d) => d.name === dev && (lab === undefined || d.lab === lab));
  const chosen = hits.find((d) => d.lab === 'default') ?? hits[0];
  if (chosen) return { name, target: { ...labTarget(chosen), name }, knownHostsFile: chosen.knownHostsPath, lab: chosen };
  try {
    findDevice(list, name);
  } catch (e) {
    const labNames = labs.map((d) => (d.lab === 'default' ? d.name : `${d.lab}/${d.name}`));
    throw new Error(`${(e as Error).message}${labNames.length ? ` Lab devices: ${labNames.join(', ')}.` : " No lab is up ('pier lab up' starts one)."}`);
  }
  throw new Error(`no device named '${name}'`);
}
