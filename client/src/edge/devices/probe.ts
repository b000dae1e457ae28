// What a device is: architecture as an OCI platform, OS, the container runtime with its version,
// Compose, free disk where the runtime keeps images, free memory, and whether the login user may
// use the runtime without sudo. One exec of a constant script; parsing is a pure function.

import type { SshConnection } from '../ssh/connection';
import { deviceErrors } from '../ssh/errors';
import { execRemote } from '../ssh/exec';
import { buildScript } from '../ssh/quote';
import { RUNTIMES, type RuntimeName } from './list';
import { platformForMachine } from './platform';
import { PROBE_SCRIPT } from './probe-script';

/** How the login user reaches the runtime. */
export type RuntimeAccess = 'direct' | 'sudo' | 'denied' | 'not-running';

/** One runtime found on the device. */
export interface RuntimeInfo {
  name: RuntimeName;
  /** Server (engine) version when reachable, else the client's. */
  version?: string;
  clientVersion?: string;
  access: RuntimeAccess;
  dataRoot?: string;
  storageDriver?: string;
  disk?: { path: string; totalBytes: number; freeBytes: number };
}

/** Everything the probe learnt. */
export interface ProbeResult {
  machine: string;
  /** OCI platform such as linux/arm64; undefined for a machine Pier does not know. */
  platform?: string;
  os: string;
  kernel: string;
  user: string;
  uid: number;
  memory?: { totalBytes: number; availableBytes: number };
  /** The device's clock, seconds since the epoch, when the probe ran. */
  deviceEpoch?: number;
  /** The runtime Pier will use (the configured one, else the first reachable). */
  runtime?: RuntimeInfo;
  runtimes: RuntimeInfo[];
  compose?: { kind: 'plugin' | 'v1' | 'nerdctl' | 'podman-compose'; version: string };
}

/** Split the script's `@key=value` output; lines without `@` continue the previous value. */
export function probeValues(text: string): Map<string, string> {
  const kv = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^@([\w.]+)=(.*)$/.exec(line);
    if (m) kv.set((last = m[1]), m[2]);
    else if (last) kv.set(last, `${kv.get(last)}\n${line}`);
  }
  return kv;
}

/** The Engine API's /info answer, when the script could ask it. */
function engineInfo(json: string | undefined): { ServerVersion?: string; DockerRootDir?: string; Driver?: string } | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    const s = (k: string) => (typeof v[k] === 'string' && v[k] ? (v[k] as string) : undefined);
    return { ServerVersion: s('ServerVersion'), DockerRootDir: s('DockerRootDir'), Driver: s('Driver') };
  } catch {
    return undefined;
  }
}

/** Parse the probe script's output. */
export function parseProbeOutput(text: string, preferred?: RuntimeName): ProbeResult {
  const kv = probeValues(text);
  // Most values are one line; multi-line ones (errors) keep their first line.
  const get = (k: string) => kv.get(k)?.split('\n')[0].trim() || undefined;
  const [memTotal, memAvail] = (get('mem') ?? '').split(/\s+/).map(Number);
  const [kernel, machine] = (get('uname') ?? '').split(/\s+/);
  const id = get('id') ?? '';
  const runtimes: RuntimeInfo[] = [];
  for (const name of RUNTIMES) {
    if (!get(`rt.${name}.path`)) continue;
    const access = (get(`rt.${name}.access`) ?? 'not-running') as RuntimeAccess;
    const info = get(`rt.${name}.info`) ?? '';
    const clientVersion = /(\d+\.\d+(?:\.\d+)?[\w.+-]*)/.exec(get(`rt.${name}.client`) ?? '')?.[1];
    let version: string | undefined;
    let dataRoot: string | undefined;
    let storageDriver: string | undefined;
    const api = name === 'docker' ? engineInfo(kv.get('rt.docker.api')) : undefined;
    if (api) [version, dataRoot, storageDriver] = [api.ServerVersion, api.DockerRootDir, api.Driver];
    else if (access === 'direct') {
      if (name === 'k3s') version = /RuntimeVersion:\s*v?(\S+)/.exec(kv.get(`rt.${name}.info`) ?? '')?.[1];
      else [version, dataRoot, storageDriver] = info.split('|').map((x) => x.trim() || undefined);
    }
    // df -P's last line: file system, 1K blocks, used, available, capacity, mount point.
    const dfLine = get(`rt.${name}.df`)?.split(/\s+/) ?? [];
    const disk = dfLine.length >= 5 && Number(dfLine[2]) > 0 ? { path: dfLine[0], totalBytes: Number(dfLine[2]) * 1024, freeBytes: Number(dfLine[4]) * 1024 } : undefined;
    runtimes.push({ name, version: version ?? clientVersion, clientVersion, access, dataRoot: dataRoot ?? disk?.path, storageDriver, disk });
  }
  const runtime = (preferred && runtimes.find((r) => r.name === preferred)) || runtimes.find((r) => r.access === 'direct') || runtimes.find((r) => r.access === 'sudo') || runtimes[0];
  let compose: ProbeResult['compose'];
  const composeOf: [string, NonNullable<ProbeResult['compose']>['kind']][] = runtime?.name === 'podman' ? [['compose.podman', 'podman-compose']] : runtime?.name === 'nerdctl' ? [['compose.nerdctl', 'nerdctl']] : [['compose.plugin', 'plugin'], ['compose.v1', 'v1']];
  for (const [key, kind] of composeOf) {
    const v = /(\d+\.\d+(?:\.\d+)?[\w.+-]*)/.exec(get(key) ?? '')?.[1];
    if (v) {
      compose = { kind, version: v };
      break;
    }
  }
  return {
    machine: machine ?? '',
    platform: platformForMachine(machine ?? ''),
    os: get('os')?.replace(/^["']|["']$/g, '') ?? 'unknown',
    kernel: kernel ?? '',
    user: /^uid=\d+\(([^)]*)\)/.exec(id)?.[1] ?? '',
    uid: Number(/^uid=(\d+)/.exec(id)?.[1] ?? NaN),
    memory: Number.isFinite(memTotal) && memTotal > 0 ? { totalBytes: memTotal * 1024, availableBytes: (Number.isFinite(memAvail) ? memAvail : 0) * 1024 } : undefined,
    deviceEpoch: get('epoch') ? Number(get('epoch')) : undefined,
    runtime,
    runtimes,
    compose,
  };
}

/** Probe a device over its connection. */
export async function probeDevice(conn: SshConnection, opts: { runtime?: RuntimeName; signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const r = await execRemote(conn, ['sh', '-c', PROBE_SCRIPT], { signal: opts.signal });
  const out = r.stdout.toString('utf8');
  if (!/^@uname=/m.test(out)) {
    throw deviceErrors.config(conn.target.name, `The probe of ${conn.target.name} printed nothing usable (exit ${r.code}). Its login shell must be a POSIX shell (sh, bash, dash, ash, zsh).`);
  }
  return parseProbeOutput(out, opts.runtime);
}

/** Turn a probe's runtime state into the typed error a deploy would need to raise, if any. */
export function runtimeProblem(device: string, p: ProbeResult) {
  if (!p.runtime) return deviceErrors.runtimeMissing(device, 'none of docker, podman, nerdctl or k3s was found');
  if (p.runtime.access === 'denied') return deviceErrors.permissionDenied(device, p.user, p.runtime.name);
  if (p.runtime.access === 'not-running') return deviceErrors.runtimeMissing(device, `${p.runtime.name} is installed but its engine does not answer`);
  return undefined;
}

/** The probe script wrapped for the quoting helper (exported for the benchmark's baseline). */
export function probeCommand(): string {
  return buildScript(PROBE_SCRIPT);
}
