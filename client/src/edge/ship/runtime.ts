// The device runtime's commands for shipping, as argument arrays (the SSH layer quotes them):
// pull from the tunnel registry, tag, untag, load. Docker, Podman and nerdctl share Docker's
// command shapes; k3s goes through its bundled ctr.

import type { RuntimeInfo } from '../devices/probe';

/** The runtime facts the ship step needs. */
export type ShipRuntime = Pick<RuntimeInfo, 'name' | 'access' | 'version'>;

/** The command prefix that reaches the runtime (sudo -n when the probe said so). */
export function runtimePrefix(rt: ShipRuntime): string[] {
  const bin = rt.name === 'k3s' ? ['k3s', 'ctr'] : [rt.name];
  return rt.access === 'sudo' ? ['sudo', '-n', ...bin] : bin;
}

/** Pull from a plain-HTTP registry on the device's loopback. */
export function pullArgv(rt: ShipRuntime, ref: string): string[] {
  const p = runtimePrefix(rt);
  switch (rt.name) {
    // Docker treats 127.0.0.0/8 as an insecure registry by default: it tries TLS, then plain HTTP.
    case 'docker':
      return [...p, 'pull', ref];
    case 'podman':
      return [...p, 'pull', '--tls-verify=false', ref];
    case 'nerdctl':
      return [...p, 'pull', '--insecure-registry', ref];
    case 'k3s':
      return [...p, '--namespace', 'k8s.io', 'images', 'pull', '--plain-http', ref];
  }
}

/** Give an image a second name. */
export function tagArgv(rt: ShipRuntime, from: string, to: string): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'tag', '--force', from, to] : [...p, 'tag', from, to];
}

/** Remove one name of an image (the image stays while other names or containers use it). */
export function untagArgv(rt: ShipRuntime, ref: string): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'rm', ref] : [...p, 'rmi', ref];
}

/** Load a save archive from standard input. */
export function loadArgv(rt: ShipRuntime): string[] {
  const p = runtimePrefix(rt);
  return rt.name === 'k3s' ? [...p, '--namespace', 'k8s.io', 'images', 'import', '-'] : [...p, 'load'];
}

/** Whether the runtime can pull zstd layers (Docker 23+, Podman 4+, nerdctl, k3s' containerd). */
export function supportsZstd(rt: ShipRuntime): boolean {
  const major = Number(/^(\d+)/.exec(rt.version ?? '')?.[1] ?? NaN);
  if (rt.name === 'docker') return major >= 23;
  if (rt.name === 'podman') return major >= 4;
  return true;
}

/**
 * A fixed script that starts a command (its argv follows as positional parameters), prints its
 * PID so a cancel can stop it, and waits for it.
 */
export const RUN_WITH_PID = '"$@" & p=$!; echo "@@pid $p"; wait "$p"';
