// Small runtime operations of the run step, each one command over the device's long-lived shell
// (see ship/device-shell.ts): what state the app's containers are in, an image's healthcheck and
// ports, the app's history and kept versions, writing a version's spec, and tidying up after an
// interrupted deploy.

import type { SshConnection } from '../ssh/connection';
import { deviceShell, type ShellResult } from '../ship/device-shell';
import { runtimePrefix, type ShipRuntime } from '../ship/runtime';
import { containerNames, LABELS } from './container-args';
import { appPaths, parseHistory, type HistoryEntry, type VersionSpec } from './device-state';

/** One container as the run step sees it. */
export interface ContainerFacts {
  name: string;
  status: string;
  health?: string;
  version?: string;
  config?: string;
  image: string;
  restarts: number;
  exitCode: number;
}

/** Run a runtime command in the device shell. */
export function rt(conn: SshConnection, runtime: ShipRuntime, args: string[], signal?: AbortSignal): Promise<ShellResult> {
  return deviceShell(conn).run([...runtimePrefix(runtime), ...args], { signal });
}

/** Run a runtime command that must succeed; throws with the runtime's own last line. */
export async function rtOk(conn: SshConnection, runtime: ShipRuntime, args: string[], signal?: AbortSignal): Promise<string> {
  const r = await rt(conn, runtime, args, signal);
  if (r.code !== 0) throw new Error(`'${[runtime.name, ...args.slice(0, 2)].join(' ')} ...' failed on ${conn.target.name}: ${r.stderr.trim().split('\n').pop() || `exit ${r.code}`}`);
  return r.stdout;
}

const FACTS = `{{.Name}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{index .Config.Labels "${LABELS.version}"}}|{{index .Config.Labels "${LABELS.config}"}}|{{.Config.Image}}|{{.RestartCount}}|{{.State.ExitCode}}`;

/** Facts of the named containers that exist (missing names are left out). */
export async function inspectContainers(conn: SshConnection, runtime: ShipRuntime, names: string[], signal?: AbortSignal): Promise<Map<string, ContainerFacts>> {
  const r = await rt(conn, runtime, ['inspect', '--type', 'container', '-f', FACTS, ...names], signal);
  const out = new Map<string, ContainerFacts>();
  for (const line of r.stdout.split('\n')) {
    const [name, status, health, version, config, image, restarts, exitCode] = line.split('|');
    if (!name || status === undefined) continue;
    out.set(name.replace(/^\//, ''), { name: name.replace(/^\//, ''), status, health: health || undefined, version: version || undefined, config: config || undefined, image, restarts: Number(restarts) || 0, exitCode: Number(exitCode) || 0 });
  }
  return out;
}

/** The image's HEALTHCHECK (when it has a real one) and exposed ports, or undefined when the image is missing. */
export async function imageFacts(conn: SshConnection, runtime: ShipRuntime, image: string, signal?: AbortSignal): Promise<{ healthcheck: boolean; exposed: number[] } | undefined> {
  const r = await rt(conn, runtime, ['image', 'inspect', '-f', '{{if .Config.Healthcheck}}{{index .Config.Healthcheck.Test 0}}{{end}}|{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}', image], signal);
  if (r.code !== 0) return undefined;
  const [hc, ports = ''] = r.stdout.trim().split('|');
  const exposed = ports.split(' ').map((p) => Number(p.split('/')[0])).filter((n) => n > 0);
  return { healthcheck: !!hc && hc !== 'NONE', exposed };
}

/** The app's history of running versions, oldest first. */
export async function readHistory(conn: SshConnection, app: string, stateDir: string, signal?: AbortSignal): Promise<HistoryEntry[]> {
  const r = await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; cat "$1" 2>/dev/null; exit 0', 'pier-sh', appPaths(app, stateDir).history], { signal });
  return parseHistory(r.stdout);
}

/** Record that `version` became the running one (`ok`) or was tried and failed. */
export async function appendHistory(conn: SshConnection, app: string, stateDir: string, version: string, ok: boolean, signal?: AbortSignal): Promise<void> {
  const p = appPaths(app, stateDir);
  await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; mkdir -p "$1" && printf "%s %s %s\\n" "$(date +%s)" "$3" "$4" >>"$2"', 'pier-sh', p.dir, p.history, version, ok ? 'ok' : 'failed'], { signal });
}

/** Keep a version's spec on the device. */
export async function writeSpec(conn: SshConnection, spec: VersionSpec, stateDir: string, signal?: AbortSignal): Promise<void> {
  const p = appPaths(spec.app, stateDir);
  const path = p.spec(spec.version);
  // The JSON travels as an argument (printf %s), never as shell text.
  const r = await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; mkdir -p "$(dirname "$1")" && printf "%s\\n" "$2" >"$1.tmp" && mv "$1.tmp" "$1"', 'pier-sh', path, JSON.stringify(spec)], { signal });
  if (r.code !== 0) throw new Error(`could not write ${path} on ${conn.target.name}: ${r.stderr.trim()}`);
}

/** A version's spec from the device, when it is kept. */
export async function readSpec(conn: SshConnection, app: string, version: string, stateDir: string, signal?: AbortSignal): Promise<VersionSpec | undefined> {
  const r = await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; cat "$1"', 'pier-sh', appPaths(app, stateDir).spec(version)], { signal });
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as VersionSpec;
  } catch {
    return undefined;
  }
}

/**
 * Put right what an interrupted deploy left (a Pier process killed mid-switch, before the
 * device-side switch existed): a half-made new container is removed; an old one that was stopped
 * and set aside is put back when nothing else took its place. Returns what was done, for the person.
 */
export async function recoverLeftovers(conn: SshConnection, runtime: ShipRuntime, app: string, signal?: AbortSignal): Promise<string[]> {
  const n = containerNames(app);
  const facts = await inspectContainers(conn, runtime, [n.current, n.next, n.prev], signal);
  const done: string[] = [];
  if (facts.has(n.next)) {
    await rt(conn, runtime, ['rm', '-f', n.next], signal);
    done.push(`removed ${n.next}, a new version an interrupted deploy had left`);
  }
  if (facts.has(n.prev)) {
    if (facts.has(n.current)) {
      await rt(conn, runtime, ['rm', '-f', n.prev], signal);
      done.push(`removed ${n.prev}, an old version an interrupted deploy had kept aside`);
    } else {
      await rtOk(conn, runtime, ['rename', n.prev, n.current], signal);
      await rt(conn, runtime, ['start', n.current], signal);
      done.push(`put back ${n.current} (version ${facts.get(n.prev)!.version ?? '?'}), which an interrupted deploy had stopped`);
    }
  }
  return done;
}

/** Tags of the app's repository on the device (its versions). */
export async function appImageTags(conn: SshConnection, runtime: ShipRuntime, repository: string, signal?: AbortSignal): Promise<string[]> {
  const r = await rt(conn, runtime, ['images', '--format', '{{.Tag}}', repository], signal);
  return r.stdout.split('\n').map((t) => t.trim()).filter((t) => t && t !== '<none>');
}

/** Versions used by any container of the app, running or not. */
export async function versionsInUse(conn: SshConnection, runtime: ShipRuntime, app: string, signal?: AbortSignal): Promise<Set<string>> {
  const r = await rt(conn, runtime, ['ps', '-a', '--filter', `label=${LABELS.app}=${app}`, '--format', `{{.Label "${LABELS.version}"}} {{.Image}}`], signal);
  const out = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const [v, image] = line.trim().split(' ');
    if (v) out.add(v);
    const tag = image?.split(':').pop();
    if (tag && image?.includes(':')) out.add(tag);
  }
  return out;
}
