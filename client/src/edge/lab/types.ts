// The shapes the device lab shares between its parts, its command line and the tests.

/** The ARM architectures a lab device can claim; its containers run through qemu-user. */
export type LabArch = 'arm64' | 'armv7';

/** Base images the lab builds from Debian packages. */
export type BaseImageKind = 'busybox' | 'debian';

/** Progress of long lab work: one human line per step. */
export type LabProgress = (message: string) => void;

/** Options of `labUp`. */
export interface LabUpOptions {
  /** Lab instance name; separate instances get separate subnets, namespaces and state. */
  name?: string;
  /** Number of devices (1-16). */
  devices?: number;
  /** Architecture of every device, or one per device, repeated to fill. */
  arch?: LabArch | LabArch[];
  /** tc rate such as `20mbit` applied to every device link; undefined leaves links unlimited. */
  rate?: string;
  /** Base images to make sure of; defaults to busybox for every arch and Debian for arm64. */
  images?: BaseImageRequest[];
  /** Install missing Debian packages (default true; only as root on Debian/Ubuntu). */
  install?: boolean;
  signal?: AbortSignal;
  onProgress?: LabProgress;
}

/** One base image to make sure of. */
export interface BaseImageRequest {
  kind: BaseImageKind;
  arch: LabArch;
}

/** What the lab records about one device; enough for another process to reach and stop it. */
export interface LabDeviceState {
  /** Name used by `pier lab cut NAME` and as the hostname, e.g. `dev1`. */
  name: string;
  arch: LabArch;
  /** What `uname -m` answers on the device. */
  machine: 'aarch64' | 'armv7l';
  /** The platform to build images for, e.g. `linux/arm64`. */
  platform: string;
  /** Network namespace under /run/netns. */
  netns: string;
  /** Host side of the device's veth pair (a port of the lab bridge). */
  hostVeth: string;
  address: string;
  sshPort: number;
  /** The device's files: sshd config, host key, dockerd data root, logs. */
  dir: string;
  /** The device engine's extra socket on the host's file system (the device itself uses /var/run/docker.sock). */
  engineSocket: string;
  /** PID of the device's init (unshare, then sshd after exec); undefined until started. */
  sshdPid?: number;
  dockerdPid?: number;
  /** Whether `cut` took the link down. */
  cut?: boolean;
  /** Rate limit in force, as given to tc. */
  rate?: string;
}

/** The build engine the lab uses: the host's dockerd, started by the lab only when none ran. */
export interface BuildEngineState {
  socket: string;
  /** PID of the dockerd the lab started; undefined when the engine was running already. */
  pid?: number;
  log?: string;
}

/** Everything a lab instance made, written as it is made so a failed or killed `up` can be undone. */
export interface LabState {
  version: 1;
  name: string;
  /** Index that picks the subnet 10.77.<slot>.0/24 and interface names pl<slot>*. */
  slot: number;
  phase: 'starting' | 'up' | 'stopping';
  createdAt: string;
  /** PID of the process that ran `up` (it may have exited since; the lab lives on). */
  ownerPid: number;
  bridge: string;
  hostAddress: string;
  subnet: string;
  /** Directory of this run's device files (fresh for every `up`). */
  runDir: string;
  user: string;
  clientKey: string;
  knownHosts: string;
  devices: LabDeviceState[];
  /** Whether `up` created the bridge (so `down` deletes it). */
  bridgeCreated?: boolean;
}

/** A lab failure with one line that says what is wrong and what to do. */
export class LabError extends Error {
  override name = 'LabError';
}
