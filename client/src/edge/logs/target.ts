// Finding what to follow: a container by name or ID, or the containers of a Compose project, as
// the device's runtime knows them right now.

import type { RuntimeInfo } from '../devices/probe';
import type { SshConnection } from '../ssh/connection';
import { deviceErrors } from '../ssh/errors';
import { execRemote } from '../ssh/exec';
import { runtimeArgv } from '../devices/inventory';
import { inspectArgv, parseInspect, PROJECT_LABELS, projectPsArgv, type ContainerFacts } from './runtime';
import type { LogTarget } from './types';

/** The containers of a target and what kind of target it turned out to be. */
export interface ResolvedTarget {
  kind: 'container' | 'compose';
  /** The container name, or the project name. */
  name: string;
  containers: ContainerFacts[];
}

/** Inspect containers by name or ID; unknown ones are left out (never an error). */
export async function inspectContainers(conn: SshConnection, rt: RuntimeInfo, refs: readonly string[], signal?: AbortSignal): Promise<ContainerFacts[]> {
  if (!refs.length) return [];
  const r = await execRemote(conn, inspectArgv(rt, refs), { signal });
  return parseInspect(r.stdout.toString('utf8'));
}

/** The containers of a Compose project (running or not), optionally only some services. */
export async function projectContainers(conn: SshConnection, rt: RuntimeInfo, project: string, services?: readonly string[], signal?: AbortSignal): Promise<ContainerFacts[]> {
  for (const label of PROJECT_LABELS) {
    const r = await execRemote(conn, projectPsArgv(rt, project, label), { signal });
    if (r.code !== 0) continue;
    const ids = r.stdout.toString('utf8').split('\n').map((s) => s.trim()).filter((s) => /^[0-9a-f]{12,64}$/.test(s));
    if (!ids.length) continue;
    const all = await inspectContainers(conn, rt, ids, signal);
    const picked = services?.length ? all.filter((c) => c.service && services.includes(c.service)) : all;
    return picked.sort((a, b) => (a.service ?? a.name).localeCompare(b.service ?? b.name) || a.name.localeCompare(b.name));
  }
  return [];
}

/** Resolve a target; a name that is neither a container nor a project is a config error. */
export async function resolveTarget(conn: SshConnection, rt: RuntimeInfo, target: LogTarget, signal?: AbortSignal): Promise<ResolvedTarget> {
  const device = conn.target.name;
  if (target.kind !== 'compose') {
    const [c] = await inspectContainers(conn, rt, [target.ref], signal);
    if (c) return { kind: 'container', name: c.name, containers: [c] };
    if (target.kind === 'container') throw deviceErrors.config(device, `${device} has no container named '${target.ref}' (${rt.name}).`);
  }
  const project = target.kind === 'compose' ? target.project : target.ref;
  const containers = await projectContainers(conn, rt, project, target.kind === 'compose' ? target.services : undefined, signal);
  if (!containers.length) {
    const what = target.kind === 'compose' ? `no containers of the Compose project '${project}'${target.services?.length ? ` for services ${target.services.join(', ')}` : ''}` : `no container and no Compose project named '${project}'`;
    throw deviceErrors.config(device, `${device} has ${what} (${rt.name}).`);
  }
  return { kind: 'compose', name: project, containers };
}

/** What a picker offers on a device: its containers (running or not) and their Compose projects. */
export interface LogChoices {
  containers: ContainerFacts[];
  /** Compose projects with at least one container, sorted. */
  projects: string[];
}

/** Every container of the device and the Compose projects they belong to. */
export async function listLogChoices(conn: SshConnection, rt: RuntimeInfo, signal?: AbortSignal): Promise<LogChoices> {
  const r = await execRemote(conn, runtimeArgv(rt, ['ps', '-a', '-q', '--no-trunc']), { signal });
  if (r.code !== 0) throw deviceErrors.config(conn.target.name, `${rt.name} ps failed on ${conn.target.name}: ${r.stderr.toString('utf8').trim()}`);
  const ids = r.stdout.toString('utf8').split('\n').map((s) => s.trim()).filter((s) => /^[0-9a-f]{12,64}$/.test(s));
  const containers = (await inspectContainers(conn, rt, ids, signal)).sort((a, b) => Number(b.running) - Number(a.running) || a.name.localeCompare(b.name));
  const projects = [...new Set(containers.map((c) => c.project).filter((p): p is string => !!p))].sort();
  return { containers, projects };
}
