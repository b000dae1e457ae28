// The runtime commands a log stream sends, as argument arrays (Docker, Podman and nerdctl share
// the Docker CLI's words for these), and the parsing of what `container inspect` says.

import type { RuntimeInfo } from '../devices/probe';
import { runtimeArgv } from '../devices/inventory';

/** Runtimes whose logs Pier can follow. */
export const LOG_RUNTIMES = ['docker', 'podman', 'nerdctl'] as const;

/** What one follow asks for. */
export interface LogsQuery {
  follow: boolean;
  /** Passed to `--since` as is (a duration, RFC 3339, or Unix seconds). */
  since?: string;
  /** Lines from the end to start with (only for the first follow). */
  tail?: number;
}

/** Whether the stream can read this runtime's logs; an error sentence when not. */
export function checkLogRuntime(rt: RuntimeInfo): string | undefined {
  if (!(LOG_RUNTIMES as readonly string[]).includes(rt.name)) return `Pier follows logs of Docker, Podman and nerdctl containers; this device runs ${rt.name}.`;
  if (rt.access === 'denied') return `the login user may not use ${rt.name} on this device (run the device doctor)`;
  if (rt.access === 'not-running') return `${rt.name} is installed but its engine does not answer on this device`;
  return undefined;
}

/** `logs --timestamps [--follow] [--since S] [--tail N] -- ID` for the runtime. */
export function logsArgv(rt: RuntimeInfo, id: string, q: LogsQuery): string[] {
  const args = ['logs', '--timestamps'];
  if (q.follow) args.push('--follow');
  if (q.since !== undefined) args.push('--since', q.since);
  if (q.tail !== undefined) args.push('--tail', String(q.tail));
  // `--` so a container reference is never read as an option.
  return runtimeArgv(rt, [...args, '--', id]);
}

/** `container inspect -- REF...`: the full JSON, which every runtime here prints alike. */
export function inspectArgv(rt: RuntimeInfo, refs: readonly string[]): string[] {
  return runtimeArgv(rt, ['container', 'inspect', '--', ...refs]);
}

/** Compose labels: Docker Compose, nerdctl compose and podman compose use the first; podman-compose also the second. */
export const PROJECT_LABELS = ['com.docker.compose.project', 'io.podman.compose.project'] as const;
const SERVICE_LABELS = ['com.docker.compose.service', 'io.podman.compose.service'];

/** `ps -a -q --no-trunc --filter label=L=PROJECT`: IDs of a Compose project's containers. */
export function projectPsArgv(rt: RuntimeInfo, project: string, label: string = PROJECT_LABELS[0]): string[] {
  return runtimeArgv(rt, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${label}=${project}`]);
}

/** What the stream needs to know about a container. */
export interface ContainerFacts {
  id: string;
  name: string;
  running: boolean;
  /** running, exited, restarting, created, paused, dead, ... */
  status: string;
  startedAt: string;
  exitCode?: number;
  project?: string;
  service?: string;
}

/** Parse `container inspect` output (a JSON array); containers it cannot read are left out. */
export function parseInspect(text: string): ContainerFacts[] {
  let data: unknown;
  try {
    data = JSON.parse(text.trim() || '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: ContainerFacts[] = [];
  for (const raw of data) {
    if (!raw || typeof raw !== 'object') continue;
    const o = raw as Record<string, unknown>;
    const id = String(o.Id ?? o.ID ?? '');
    if (!/^[0-9a-f]{12,64}$/.test(id)) continue;
    const state = (o.State && typeof o.State === 'object' ? o.State : {}) as Record<string, unknown>;
    const config = (o.Config && typeof o.Config === 'object' ? o.Config : {}) as Record<string, unknown>;
    const labels = (config.Labels && typeof config.Labels === 'object' ? config.Labels : {}) as Record<string, unknown>;
    const status = String(state.Status ?? (state.Running ? 'running' : 'exited')).toLowerCase();
    const label = (keys: readonly string[]) => {
      for (const k of keys) if (typeof labels[k] === 'string' && labels[k]) return labels[k] as string;
      return undefined;
    };
    out.push({
      id,
      name: String(o.Name ?? '').replace(/^\//, '') || id.slice(0, 12),
      running: state.Running === true || status === 'running',
      status,
      startedAt: String(state.StartedAt ?? ''),
      exitCode: typeof state.ExitCode === 'number' ? state.ExitCode : undefined,
      project: label(PROJECT_LABELS),
      service: label(SERVICE_LABELS),
    });
  }
  return out;
}

/** Whether a runtime's error text says the container does not exist. */
export function isNoSuchContainer(text: string): boolean {
  return /no such (container|object)|not found|does not exist/i.test(text);
}
