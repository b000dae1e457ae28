// What a device already holds, read in one round trip: its engine's identity and data root, every
// image with its layer diff IDs, the app's tags, and the free space where images are stored.
// Layer chains (as the engines key layers) tell which of an image's layers the device has.

import { createHash } from 'node:crypto';
import type { SshConnection } from '../ssh/connection';
import { deviceShell } from './device-shell';
import { runtimePrefix, type ShipRuntime } from './runtime';

/** One image on the device. */
export interface DeviceImage {
  id: string;
  diffIds: string[];
}

/** The device's holdings, as the ship step needs them. */
export interface DeviceImages {
  /** The engine's ID (Docker's `docker info` ID), empty when the runtime has none. */
  engineId: string;
  dataRoot?: string;
  images: DeviceImage[];
  /** `repo:tag` -> image ID for the app's repository. */
  tags: Map<string, string>;
  /** Free bytes where layers are extracted, and where downloads are kept while pulling. */
  freeBytes?: number;
  tmpFreeBytes?: number;
  /** Every layer chain ID present on the device. */
  chains: Set<string>;
  /** Whether the device has xz, so its runtime's load reads an xz-compressed archive. */
  xz?: boolean;
}

/**
 * The query script; `$1` is the runtime kind, `$2` the app repository, the rest the runtime's
 * command prefix. Sections are marked `@@pier:NAME` like the doctor's.
 */
export const DEVICE_IMAGES_SCRIPT = String.raw`
kind=$1; app=$2; shift 2
exec 2>/dev/null </dev/null
# xz on the device: a runtime's load then reads an xz stream (Docker runs xz -d for it).
printf '@@pier:xz\n'; command -v xz
# Docker reached directly: ask the Engine API over its socket. Two curl calls (the image list,
# then every image's inspect in one process) cost far less than four docker CLI starts.
if [ "$kind" = docker ] && [ "$*" = docker ] && [ -z "$DOCKER_HOST" ] && [ -w /var/run/docker.sock ] && command -v curl >/dev/null; then
  c() { curl -sf --max-time 30 --unix-socket /var/run/docker.sock "$@"; }
  if info=$(c http://localhost/info) && list=$(c 'http://localhost/images/json?all=1'); then
    printf '@@pier:api-info\n%s\n' "$info"
    printf '@@pier:api-images\n'
    urls=$(printf '%s' "$list" | grep -o '"Id":"sha256:[0-9a-f]*"' | sed 's|"Id":"\(.*\)"|http://localhost/images/\1/json|')
    [ -n "$urls" ] && c -w '\n' $urls
    root=$(printf '%s' "$info" | sed -n 's/.*"DockerRootDir":"\([^"]*\)".*/\1/p')
    printf '@@pier:df\n'
    [ -n "$root" ] && df -Pk "$root" | awk 'NR==2{print $4}'
    [ -n "$root" ] && df -Pk "$root/tmp" | awk 'NR==2{print $4}'
    printf '@@pier:end\n'
    exit 0
  fi
fi
if [ "$kind" = podman ]; then
  info=$("$@" info --format '|{{.Store.GraphRoot}}')
else
  info=$("$@" info --format '{{.ID}}|{{.DockerRootDir}}')
fi
printf '@@pier:info\n%s\n' "$info"
printf '@@pier:images\n'
ids=$("$@" images -aq --no-trunc | sort -u)
[ -n "$ids" ] && "$@" image inspect --format '{{.Id}} {{range .RootFS.Layers}}{{.}},{{end}}' $ids
printf '@@pier:tags\n'
"$@" images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$app"
root=$(printf '%s' "$info" | sed 's/^[^|]*|//')
printf '@@pier:df\n'
[ -n "$root" ] && df -Pk "$root" | awk 'NR==2{print $4}'
[ -n "$root" ] && df -Pk "$root/tmp" | awk 'NR==2{print $4}'
printf '@@pier:end\n'
exit 0
`;

/** The chain ID of a layer stack, as Docker and containerd compute it. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev ? `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}` : d);
  }
  return out;
}

/** Parse the script's output; `app` is the app repository (the API answers list every tag). */
export function parseDeviceImages(text: string, app = ''): DeviceImages {
  const sections = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^@@pier:([\w-]+)$/.exec(line.trim());
    if (m) sections.set(m[1], (cur = []));
    else if (cur && line.trim()) cur.push(line.trim());
  }
  let [engineId = '', dataRoot] = (sections.get('info')?.[0] ?? '').split('|');
  const images: DeviceImage[] = [];
  const isDigest = (v: unknown): v is string => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v);
  for (const line of sections.get('images') ?? []) {
    const [id, layers = ''] = line.split(' ');
    if (isDigest(id)) images.push({ id, diffIds: layers.split(',').filter(isDigest) });
  }
  const tags = new Map<string, string>();
  for (const line of sections.get('tags') ?? []) {
    const [ref, id] = line.split(' ');
    if (ref && id && !ref.endsWith(':<none>')) tags.set(ref, id.startsWith('sha256:') ? id : `sha256:${id}`);
  }
  // The Engine API's answers: /info, then one /images/ID/json document per line.
  const api = (line: string | undefined): Record<string, any> | undefined => {
    try {
      const v = line ? JSON.parse(line) : undefined;
      return v && typeof v === 'object' ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const info = api(sections.get('api-info')?.[0]);
  if (info) [engineId, dataRoot] = [typeof info.ID === 'string' ? info.ID : '', typeof info.DockerRootDir === 'string' ? info.DockerRootDir : ''];
  for (const line of sections.get('api-images') ?? []) {
    const img = api(line);
    if (!img || !isDigest(img.Id)) continue;
    const layers: unknown[] = Array.isArray(img.RootFS?.Layers) ? img.RootFS.Layers : [];
    images.push({ id: img.Id, diffIds: layers.filter(isDigest) });
    for (const ref of Array.isArray(img.RepoTags) ? img.RepoTags : []) {
      if (typeof ref === 'string' && ref.slice(0, ref.lastIndexOf(':')) === app) tags.set(ref, img.Id);
    }
  }
  const [free, tmpFree] = (sections.get('df') ?? []).map((kb) => Number(kb) * 1024);
  const chains = new Set<string>();
  for (const img of images) for (const c of chainIds(img.diffIds)) chains.add(c);
  return {
    engineId,
    dataRoot: dataRoot || undefined,
    images,
    tags,
    freeBytes: Number.isFinite(free) ? free : undefined,
    tmpFreeBytes: Number.isFinite(tmpFree) ? tmpFree : Number.isFinite(free) ? free : undefined,
    chains,
    xz: (sections.get('xz') ?? []).some((l) => l.startsWith('/')),
  };
}

/** Read what the device holds. */
export async function readDeviceImages(conn: SshConnection, rt: ShipRuntime, appRepository: string, signal?: AbortSignal): Promise<DeviceImages> {
  const r = await deviceShell(conn).run(['sh', '-c', DEVICE_IMAGES_SCRIPT, 'pier-sh', rt.name, appRepository, ...runtimePrefix(rt)], { signal });
  return parseDeviceImages(r.stdout, appRepository);
}
