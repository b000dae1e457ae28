// The lab's operations: up, down, status and the link faults, each safe to call from any process
// because everything the lab makes is recorded in its state as it is made.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netnsPids, prepareDevice, readDockerdPid, removeTree, startDevice, stopDevice, waitDeviceReady } from './device';
import { ensureBuildEngine, readBuildEngine, stopBuildEngine } from './engine';
import { defaultImageRequests, ensureBaseImages } from './images';
import { archInfo, checkLabName, DEFAULT_LAB, deviceNames, labNames, MAX_DEVICES, parseRate } from './names';
import { checkSubnetFree, createBridge, createDeviceLink, cutLink, deleteLink, findLeftovers, healLink, setLinkRate } from './network';
import { ensureBinfmt, ensurePackages, requireRoot } from './prereqs';
import { checkAbort, pidAlive, run } from './run';
import { labStateDir, listLabNames, pickSlot, readState, removeState, withLabLock, writeState } from './state';
import type { LabArch, LabDeviceState, LabProgress, LabState, LabUpOptions } from './types';
import { LabError } from './types';

/** Bring a lab up: prerequisites, build engine, base images, then every device, or nothing at all. */
export async function labUp(o: LabUpOptions = {}): Promise<LabState> {
  requireRoot();
  const name = checkLabName(o.name ?? DEFAULT_LAB);
  const count = o.devices ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEVICES) throw new LabError(`--devices must be a whole number from 1 to ${MAX_DEVICES}`);
  const archList = Array.isArray(o.arch) ? o.arch : [o.arch ?? 'arm64'];
  if (!archList.length) throw new LabError('no arch given');
  const arches: LabArch[] = Array.from({ length: count }, (_, i) => archList[i % archList.length]);
  const rate = o.rate ? parseRate(o.rate).rate : undefined;
  const say: LabProgress = o.onProgress ?? (() => undefined);
  return withLabLock(async () => {
    // Packages first: everything after needs ip, nsenter and the rest.
    await ensurePackages({ install: o.install ?? true, signal: o.signal, onProgress: say });
    const existing = readState(name);
    if (existing) {
      const st = inspectState(existing);
      if (existing.phase === 'up' && !st.problems.length) throw new LabError(`lab '${name}' is already up (${describeLab(existing)}); run 'pier lab down${nameFlag(name)}' first`);
      say(`cleaning up lab '${name}' left by an earlier run that did not finish (${st.problems[0] ?? existing.phase})`);
      await teardown(existing, say);
    }
    const slot = pickSlot(name);
    await removeLeftovers(name, slot, say);
    await checkSubnetFree(slot);
    await ensureBinfmt(arches, say);
    let state: LabState | undefined;
    try {
      const engine = await ensureBuildEngine({ signal: o.signal, onProgress: say });
      await ensureBaseImages(engine.socket, o.images ?? defaultImageRequests(arches), { signal: o.signal, onProgress: say });
      checkAbort(o.signal);
      state = newState(name, slot);
      writeState(state);
      await createAll(state, arches, o.signal, say);
      if (rate) for (const d of state.devices) d.rate = await setLinkRate(d, rate);
      state.phase = 'up';
      writeState(state);
      say(`lab '${name}' is up: ${describeLab(state)}`);
      return state;
    } catch (e) {
      say(`lab up failed; removing what it made`);
      if (state) await teardown(state, () => undefined).catch(() => undefined);
      else if (!otherLabsExist(name)) await stopBuildEngine().catch(() => undefined);
      throw e;
    }
  }, { signal: o.signal, onWait: () => say('waiting for another lab command to finish') });
}

function newState(name: string, slot: number): LabState {
  const n = labNames(slot);
  const sshDir = join(labStateDir(name), 'ssh');
  return {
    version: 1,
    name,
    slot,
    phase: 'starting',
    createdAt: new Date().toISOString(),
    ownerPid: process.pid,
    bridge: n.bridge,
    hostAddress: n.hostAddress,
    subnet: n.subnet,
    runDir: mkdtempSync(join(tmpdir(), `pier-lab-${name}-`)),
    user: 'root',
    clientKey: join(sshDir, 'id_ed25519'),
    knownHosts: join(sshDir, 'known_hosts'),
    devices: [],
  };
}

async function createAll(state: LabState, arches: LabArch[], signal: AbortSignal | undefined, say: LabProgress): Promise<void> {
  mkdirSync(join(labStateDir(state.name), 'ssh'), { recursive: true, mode: 0o700 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `pier-lab-${state.name}-client`, '-f', state.clientKey]);
  const authorized = readFileSync(`${state.clientKey}.pub`, 'utf8');
  await createBridge(state.slot);
  state.bridgeCreated = true;
  writeState(state);
  for (let i = 0; i < arches.length; i++) {
    checkAbort(signal);
    const names = deviceNames(state.name, state.slot, i + 1);
    const info = archInfo(arches[i]);
    const dir = join(state.runDir, names.name);
    const dev: LabDeviceState = {
      name: names.name,
      arch: arches[i],
      machine: info.machine,
      platform: info.platform,
      netns: names.netns,
      hostVeth: names.hostVeth,
      address: names.address,
      sshPort: 22,
      dir,
      engineSocket: join(dir, 'docker.sock'),
    };
    state.devices.push(dev);
    writeState(state);
    await createDeviceLink(state.slot, dev, names.peerVeth);
    await prepareDevice(dev, authorized);
    dev.sshdPid = await startDevice(dev);
    writeState(state);
  }
  say(`starting ${arches.length} device${arches.length > 1 ? 's' : ''} (sshd and dockerd each)`);
  await Promise.all(state.devices.map((d) => waitDeviceReady(d, signal)));
  for (const d of state.devices) d.dockerdPid = readDockerdPid(d);
  const lines = state.devices.map((d) => `${d.address} ${readFileSync(join(d.dir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')}`);
  writeFileSync(state.knownHosts, lines.join('\n') + '\n', { mode: 0o600 });
  writeState(state);
}

/** Undo everything a state records, device by device, then the bridge, files and state. */
async function teardown(state: LabState, say: LabProgress): Promise<void> {
  state.phase = 'stopping';
  writeState(state);
  await Promise.all(state.devices.map((d) => stopDevice(d)));
  if (state.bridgeCreated) await deleteLink(state.bridge);
  await removeLeftovers(state.name, state.slot, () => undefined);
  removeTree(state.runDir);
  removeState(state.name);
  if (!otherLabsExist(state.name) && (await stopBuildEngine())) say('stopped the build engine the lab had started');
}

/** Remove namespaces and interfaces of a lab that no state describes (a killed run's). */
async function removeLeftovers(name: string, slot: number, say: LabProgress): Promise<string[]> {
  const left = await findLeftovers(name, slot);
  if (!left.netns.length && !left.links.length) return [];
  say(`removing leftovers of a killed lab run: ${[...left.netns, ...left.links].join(', ')}`);
  for (const ns of left.netns) {
    for (const pid of await netnsPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await run('ip', ['netns', 'del', ns], { allowFail: true });
  }
  for (const l of left.links) await deleteLink(l);
  return [...left.netns, ...left.links];
}

function otherLabsExist(name: string): boolean {
  return listLabNames().some((n) => n !== name && readState(n));
}

/** Options of `labDown`. */
export interface LabDownOptions {
  name?: string;
  onProgress?: LabProgress;
  signal?: AbortSignal;
}

/** Stop lab `name` and remove all it made; idempotent. Resolves false when there was nothing to stop. */
export async function labDown(o: LabDownOptions = {}): Promise<boolean> {
  requireRoot();
  const name = checkLabName(o.name ?? DEFAULT_LAB);
  const say = o.onProgress ?? (() => undefined);
  return withLabLock(async () => {
    const state = readState(name);
    if (state) {
      await teardown(state, say);
      return true;
    }
    const slot = name === DEFAULT_LAB ? 0 : undefined;
    const removed = slot === undefined ? [] : await removeLeftovers(name, slot, say);
    removeState(name);
    if (!otherLabsExist(name)) await stopBuildEngine();
    return removed.length > 0;
  }, { signal: o.signal, onWait: () => say('waiting for another lab command to finish') });
}

/** A device as `status` shows it. */
export interface LabDeviceStatus extends LabDeviceState {
  sshdRunning: boolean;
  dockerdRunning: boolean;
}

/** What `status` reports about one lab. */
export interface LabStatus {
  name: string;
  state?: LabState;
  /** True when the lab is up and every device's sshd and dockerd run. */
  healthy: boolean;
  problems: string[];
  devices: LabDeviceStatus[];
  buildEngine?: { pid?: number; startedByLab: boolean };
}

function inspectState(state: LabState): { problems: string[]; devices: LabDeviceStatus[] } {
  const problems: string[] = [];
  if (state.phase !== 'up') problems.push(pidAlive(state.ownerPid) && state.ownerPid !== process.pid ? `it is ${state.phase} (pid ${state.ownerPid})` : `its last command stopped while ${state.phase}`);
  const devices = state.devices.map((d) => {
    const sshdRunning = pidAlive(d.sshdPid);
    const dockerdRunning = pidAlive(d.dockerdPid ?? readDockerdPid(d));
    if (!sshdRunning) problems.push(`${d.name}'s sshd is not running`);
    if (!dockerdRunning) problems.push(`${d.name}'s dockerd is not running`);
    return { ...d, sshdRunning, dockerdRunning };
  });
  return { problems, devices };
}

/** The status of lab `name`, read from its state and the processes it names. */
export function labStatus(name = DEFAULT_LAB): LabStatus {
  checkLabName(name);
  const state = readState(name);
  const be = readBuildEngine();
  const buildEngine = be ? { pid: be.pid, startedByLab: !!be.pid && pidAlive(be.pid) } : undefined;
  if (!state) return { name, healthy: false, problems: ['not up'], devices: [], buildEngine };
  const { problems, devices } = inspectState(state);
  return { name, state, healthy: !problems.length, problems, devices, buildEngine };
}

/** Names of labs with state. */
export function labNamesUp(): string[] {
  return listLabNames().filter((n) => readState(n));
}

/** Run `fn` on a device of an up lab, under the lab lock, and record what it changed. */
async function onDevice(name: string, device: string, fn: (d: LabDeviceState) => Promise<void>): Promise<LabDeviceState> {
  requireRoot();
  checkLabName(name);
  return withLabLock(async () => {
    const state = readState(name);
    if (!state || state.phase !== 'up') throw new LabError(`lab '${name}' is not up; run 'pier lab up${nameFlag(name)}' first`);
    const dev = state.devices.find((d) => d.name === device || d.address === device);
    if (!dev) throw new LabError(`lab '${name}' has no device '${device}' (it has ${state.devices.map((d) => d.name).join(', ')})`);
    await fn(dev);
    writeState(state);
    return dev;
  });
}

/** Cut a device's link (traffic stops; open connections stall). */
export function labCut(device: string, name = DEFAULT_LAB): Promise<LabDeviceState> {
  return onDevice(name, device, async (d) => {
    await cutLink(d);
    d.cut = true;
  });
}

/** Heal a cut link. */
export function labHeal(device: string, name = DEFAULT_LAB): Promise<LabDeviceState> {
  return onDevice(name, device, async (d) => {
    await healLink(d);
    d.cut = false;
  });
}

/** Limit a device's link to `rate` (e.g. `20mbit`), or remove the limit with `off`. */
export function labRate(device: string, rate: string, name = DEFAULT_LAB): Promise<LabDeviceState> {
  if (rate !== 'off') parseRate(rate);
  return onDevice(name, device, async (d) => {
    d.rate = await setLinkRate(d, rate);
  });
}

/** One line about a lab's devices. */
export function describeLab(state: LabState): string {
  return state.devices.map((d) => `${d.name} ${d.arch} ${d.address}`).join(', ');
}

function nameFlag(name: string): string {
  return name === DEFAULT_LAB ? '' : ` --name ${name}`;
}
