// Names and addresses of a lab's parts, derived from its slot so that leftovers of a killed run
// can be found again by name alone.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LabArch } from './types';
import { LabError } from './types';

/**
 * Where lab state lives. /run is a root-only tmpfs that is emptied at boot, exactly like the
 * namespaces, veths and PIDs the state describes, so a record can never outlive what it names;
 * and it is a fixed path, so `pier lab status` and `down` find the lab from any process.
 */
export function stateRoot(): string {
  return process.env.PIER_LAB_STATE_DIR || '/run/pier-lab';
}

/** Where base image root file systems are cached: outside the repository, kept across runs. */
export function cacheRoot(): string {
  if (process.env.PIER_LAB_CACHE_DIR) return process.env.PIER_LAB_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'pier-lab');
}

/** Default lab instance name. */
export const DEFAULT_LAB = 'default';

/** The most devices one lab has (addresses .2 to .17 of its /24). */
export const MAX_DEVICES = 16;

/** Highest slot; slot N uses 10.77.N.0/24. */
export const MAX_SLOT = 63;

/** Check a lab name: it becomes part of namespace names. */
export function checkLabName(name: string): string {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) throw new LabError(`lab name '${name}' must be 1-20 lower-case letters, digits or '-', starting with a letter`);
  return name;
}

/** Names and addresses of a lab in `slot`. */
export function labNames(slot: number) {
  return {
    bridge: `plbr${slot}`,
    hostAddress: `10.77.${slot}.1`,
    subnet: `10.77.${slot}.0/24`,
    /** Prefix of every host interface of this lab (bridge excluded). */
    vethPrefix: `pl${slot}d`,
  };
}

/** Names and address of device number `index` (1-based) of lab `name` in `slot`. */
export function deviceNames(name: string, slot: number, index: number) {
  return {
    name: `dev${index}`,
    netns: netnsName(name, index),
    hostVeth: `pl${slot}d${index}`,
    /** Temporary name of the device end before it moves into the namespace and becomes eth0. */
    peerVeth: `pl${slot}d${index}p`,
    address: `10.77.${slot}.${index + 1}`,
  };
}

/** Network namespace of a device; every namespace of lab `name` starts with `netnsPrefix(name)`. */
export function netnsName(name: string, index: number): string {
  return `${netnsPrefix(name)}dev${index}`;
}

/** Common prefix of a lab's namespaces. */
export function netnsPrefix(name: string): string {
  return `pier-${name}-`;
}

/** `uname -m` and build platform of an arch. */
export function archInfo(arch: LabArch): { machine: 'aarch64' | 'armv7l'; platform: string; qemu: string } {
  return arch === 'arm64'
    ? { machine: 'aarch64', platform: 'linux/arm64', qemu: 'qemu-aarch64' }
    : { machine: 'armv7l', platform: 'linux/arm/v7', qemu: 'qemu-arm' };
}

/** Parse an arch as the command line gives it. */
export function parseArch(value: string): LabArch {
  const v = value.trim().toLowerCase();
  if (v === 'arm64' || v === 'aarch64') return 'arm64';
  if (v === 'armv7' || v === 'armv7l' || v === 'armhf' || v === 'arm') return 'armv7';
  throw new LabError(`unknown arch '${value}': use arm64 or armv7`);
}

/** Check and normalise a tc rate such as `20mbit`, `512kbit` or `1gbit`; returns bits per second too. */
export function parseRate(value: string): { rate: string; bitsPerSecond: number } {
  const m = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$/i.exec(value.trim());
  if (!m) throw new LabError(`rate '${value}' is not a tc rate such as 20mbit, 512kbit or 1gbit`);
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const scale: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9 };
  const bitsPerSecond = n * scale[unit];
  if (bitsPerSecond < 8000 || bitsPerSecond > 10e9) throw new LabError(`rate '${value}' is outside 8kbit..10gbit`);
  return { rate: `${n}${unit}`, bitsPerSecond };
}
