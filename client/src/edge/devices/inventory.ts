// The containers and images on a device, for the device tree: one runtime command each, with
// Docker's JSON lines format (Podman and nerdctl speak it too).

import type { SshConnection } from '../ssh/connection';
import { runRemote } from '../ssh/exec';
import type { RuntimeInfo } from './probe';

/** A container as the tree shows it. */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  /** running, exited, created, paused, restarting, dead. */
  state: string;
  /** The runtime's own words, such as "Up 3 hours" or "Exited (0) 2 days ago". */
  status: string;
}

/** An image as the tree shows it. */
export interface ImageSummary {
  id: string;
  ref: string;
  size: string;
  created: string;
}

/** The command prefix that reaches the runtime (sudo -n when the probe said so). */
export function runtimeArgv(rt: RuntimeInfo, args: string[]): string[] {
  const bin = rt.name === 'k3s' ? ['k3s', 'crictl'] : [rt.name];
  return rt.access === 'sudo' ? ['sudo', '-n', ...bin, ...args] : [...bin, ...args];
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Parse `ps -a --format '{{json .}}'` output. */
export function parseContainers(text: string): ContainerSummary[] {
  return jsonLines(text).map((o) => ({
    id: String(o.ID ?? o.Id ?? ''),
    name: String(Array.isArray(o.Names) ? o.Names[0] : (o.Names ?? '')).replace(/^\//, ''),
    image: String(o.Image ?? ''),
    state: String(o.State ?? '').toLowerCase() || (/^up\b/i.test(String(o.Status)) ? 'running' : 'exited'),
    status: String(o.Status ?? ''),
  }));
}

/** Parse `images --format '{{json .}}'` output. */
export function parseImages(text: string): ImageSummary[] {
  return jsonLines(text).map((o) => ({
    id: String(o.ID ?? o.Id ?? '').replace(/^sha256:/, '').slice(0, 12),
    ref: o.Repository && o.Repository !== '<none>' ? `${o.Repository}:${o.Tag ?? 'latest'}` : '<none>',
    size: String(o.Size ?? ''),
    created: String(o.CreatedSince ?? o.CreatedAt ?? ''),
  }));
}

/** List the containers on a device. */
export async function listContainers(conn: SshConnection, rt: RuntimeInfo, signal?: AbortSignal): Promise<ContainerSummary[]> {
  if (rt.name === 'k3s') return [];
  return parseContainers(await runRemote(conn, runtimeArgv(rt, ['ps', '-a', '--no-trunc', '--format', '{{json .}}']), { signal }));
}

/** List the images on a device. */
export async function listImages(conn: SshConnection, rt: RuntimeInfo, signal?: AbortSignal): Promise<ImageSummary[]> {
  if (rt.name === 'k3s') return [];
  return parseImages(await runRemote(conn, runtimeArgv(rt, ['images', '--format', '{{json .}}']), { signal }));
}
