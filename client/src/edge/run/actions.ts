// Container actions for the device tree and the CLI: list with resource figures, start, stop,
// restart, remove, inspect as JSON, and exec or an interactive shell over an SSH pty (resizable).

import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import type { SshConnection } from '../ssh/connection';
import { spawnRemote } from '../ssh/exec';
import { runtimePrefix, type ShipRuntime } from '../ship/runtime';
import { LABELS } from './container-args';
import { rt } from './device-ops';

/** One container on the device, with what a person wants to see at a glance. */
export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  state: string;
  /** The runtime's own words, e.g. "Up 3 minutes (healthy)". */
  status: string;
  health?: string;
  restarts: number;
  /** The Pier app and version, for containers Pier runs. */
  app?: string;
  version?: string;
  /** Percent of one CPU, and memory in bytes, for running containers. */
  cpuPercent?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
}

/** The actions that change a container's state. */
export type ContainerAction = 'start' | 'stop' | 'restart' | 'remove';

const SIZE: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };

/** Parse a size the runtime prints ("12.5MiB", "1.2GB", "0B"). */
export function parseSize(s: string): number | undefined {
  const m = /^([\d.]+)\s*([a-z]*)$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = SIZE[(m[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** Every container on the device with its state, restarts and (when running) CPU and memory. */
export async function listContainers(conn: SshConnection, runtime: ShipRuntime, signal?: AbortSignal): Promise<ContainerRow[]> {
  const ids = (await rt(conn, runtime, ['ps', '-aq', '--no-trunc'], signal)).stdout.split('\n').filter(Boolean);
  if (!ids.length) return [];
  const fmt = `{{.Id}}|{{.Name}}|{{.Config.Image}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.RestartCount}}|{{index .Config.Labels "${LABELS.app}"}}|{{index .Config.Labels "${LABELS.version}"}}|{{.State.StartedAt}}|{{.State.ExitCode}}`;
  const [info, stats] = await Promise.all([
    rt(conn, runtime, ['inspect', '-f', fmt, ...ids], signal),
    rt(conn, runtime, ['stats', '--no-stream', '--no-trunc', '--format', '{{.ID}}|{{.CPUPerc}}|{{.MemUsage}}'], signal),
  ]);
  const usage = new Map<string, { cpu?: number; mem?: number; limit?: number }>();
  for (const line of stats.stdout.split('\n')) {
    const [id, cpu, mem] = line.split('|');
    if (!id || !mem) continue;
    const [used, limit] = mem.split('/').map((x) => parseSize(x));
    usage.set(id.trim(), { cpu: Number.parseFloat(cpu), mem: used, limit });
  }
  const rows: ContainerRow[] = [];
  for (const line of info.stdout.split('\n')) {
    const [id, name, image, state, health, restarts, app, version, startedAt, exitCode] = line.split('|');
    if (!id || !state) continue;
    const u = [...usage.entries()].find(([k]) => id.startsWith(k) || k.startsWith(id))?.[1];
    rows.push({
      id: id.slice(0, 12),
      name: name.replace(/^\//, ''),
      image,
      state,
      status: describeState(state, health, startedAt, exitCode),
      health: health || undefined,
      restarts: Number(restarts) || 0,
      app: app || undefined,
      version: version || undefined,
      cpuPercent: u?.cpu !== undefined && Number.isFinite(u.cpu) ? u.cpu : undefined,
      memoryBytes: u?.mem,
      memoryLimitBytes: u?.limit,
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

function describeState(state: string, health: string, startedAt: string, exitCode: string): string {
  if (state === 'running') {
    const since = Date.parse(startedAt);
    const mins = Number.isFinite(since) ? Math.max(0, Math.round((Date.now() - since) / 60_000)) : undefined;
    return `up${mins === undefined ? '' : mins < 1 ? ' less than a minute' : ` ${mins} min`}${health ? ` (${health})` : ''}`;
  }
  if (state === 'exited') return `exited (${exitCode})`;
  return state;
}

/** Start, stop, restart or remove a container; throws with the runtime's message on failure. */
export async function containerAction(conn: SshConnection, runtime: ShipRuntime, action: ContainerAction, name: string, signal?: AbortSignal): Promise<void> {
  const args = action === 'remove' ? ['rm', '-f', name] : [action, name];
  const r = await rt(conn, runtime, args, signal);
  if (r.code !== 0) throw new Error(`${action} ${name} on ${conn.target.name} failed: ${r.stderr.trim().split('\n').pop() || `exit ${r.code}`}`);
}

/** The runtime's full JSON description of a container, pretty-printed. */
export async function inspectContainerJson(conn: SshConnection, runtime: ShipRuntime, name: string, signal?: AbortSignal): Promise<string> {
  const r = await rt(conn, runtime, ['inspect', '--type', 'container', name], signal);
  if (r.code !== 0) throw new Error(`no container '${name}' on ${conn.target.name}: ${r.stderr.trim().split('\n').pop()}`);
  const parsed = JSON.parse(r.stdout) as unknown[];
  return `${JSON.stringify(parsed.length === 1 ? parsed[0] : parsed, null, 2)}\n`;
}

/** A command in a container, as a channel (with a pty when asked, so it can be interactive). */
export function execInContainer(conn: SshConnection, runtime: ShipRuntime, name: string, argv: string[], o: { pty?: PseudoTtyOptions; signal?: AbortSignal; setup?: (ch: ClientChannel) => void } = {}): Promise<ClientChannel> {
  const flags = o.pty ? ['-it'] : ['-i'];
  return spawnRemote(conn, [...runtimePrefix(runtime), 'exec', ...flags, name, ...argv], { pty: o.pty, signal: o.signal, setup: o.setup });
}

/** The command of an interactive shell: bash when the image has it, else sh. */
export const SHELL_ARGV = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

/** An interactive shell in a container over an SSH pty; `resize` follows the terminal's size. */
export async function openContainerShell(conn: SshConnection, runtime: ShipRuntime, name: string, size: { rows: number; cols: number }, signal?: AbortSignal): Promise<{ channel: ClientChannel; resize(rows: number, cols: number): void }> {
  const channel = await execInContainer(conn, runtime, name, SHELL_ARGV, { pty: { rows: size.rows, cols: size.cols, term: 'xterm-256color' }, signal });
  return { channel, resize: (rows, cols) => channel.setWindow(rows, cols, 0, 0) };
}
