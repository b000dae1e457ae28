// Helpers of the run step's lab tests and benchmark: tiny arm64 images built on the lab's build
// engine from the lab's busybox image (a healthy HTTP app, one that exits at once, one that never
// becomes healthy), put on a device with `docker save | docker load` over an exec channel and
// tagged `<app>:<version>` as the ship step would, and checks of what runs on the device.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_SOCKET, docker, type LabDeviceAccess } from '../../client/src/edge/lab';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { execRemote, runRemote } from '../../client/src/edge/ssh/exec';
import { versionOf } from '../../client/src/edge/ship/plan';
import { LABELS } from '../../client/src/edge/run/container-args';
import type { RunEvent } from '../../client/src/edge/run/types';

/** What a test image does. */
export type AppKind = 'good' | 'crash' | 'unhealthy' | 'slow-unhealthy' | 'silent';

const DOCKERFILES: Record<AppKind, string> = {
  // busybox httpd on 8080, healthy once it answers; a build argument makes each version distinct.
  // A check may take 10 s: under qemu on a loaded 2-core machine a 2 s limit made healthy versions fail.
  good: `FROM BASE
ARG V=1
COPY www /www
HEALTHCHECK --interval=1s --timeout=10s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/version"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`,
  // Exits at once with code 3 after a line on stderr.
  crash: `FROM BASE
COPY www /www
CMD ["sh", "-c", "echo 'boom: the configuration is missing' >&2; exit 3"]
`,
  // Serves, but its HEALTHCHECK never passes.
  unhealthy: `FROM BASE
COPY www /www
HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["sh", "-c", "exit 1"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`,
  // Like unhealthy, but failures count only after a 10 s start period: a health wait long enough to cut the link in.
  'slow-unhealthy': `FROM BASE
COPY www /www
HEALTHCHECK --interval=1s --timeout=2s --retries=2 --start-period=10s CMD ["sh", "-c", "exit 1"]
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`,
  // Runs without listening anywhere and has no HEALTHCHECK: a configured probe decides.
  silent: `FROM BASE
COPY www /www
CMD ["sh", "-c", "echo 'started, but not listening'; exec sleep 3600"]
`,
};

/** Build a test image for the device's arch on the build engine; returns its ref and image ID. */
export async function buildTestImage(d: LabDeviceAccess, kind: AppKind, tag: string, content = tag): Promise<{ ref: string; id: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pier-run-img-'));
  try {
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'version'), `${content}\n`);
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILES[kind].replace('BASE', `pier-lab/busybox:${d.arch}`));
    const ref = `pier-lab/run-test:${tag}`;
    await docker(BUILD_SOCKET, ['build', '-q', '--platform', d.platform, '-t', ref, dir]);
    const id = (await docker(BUILD_SOCKET, ['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();
    return { ref, id };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Put a build-engine image on the device (`docker save | docker load`) and tag it `<app>:<version>`; returns the version. */
export async function putImage(conn: SshConnection, img: { ref: string; id: string }, app: string): Promise<string> {
  const version = versionOf(img.id);
  const have = await execRemote(conn, ['docker', 'image', 'inspect', '-f', '{{.Id}}', img.id]);
  if (have.code !== 0) {
    const save = spawn('docker', ['save', img.ref], { env: { ...process.env, DOCKER_HOST: `unix://${BUILD_SOCKET}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    const saved = new Promise<number | null>((r) => save.on('close', r));
    await runRemote(conn, ['docker', 'load'], { stdin: save.stdout });
    if ((await saved) !== 0) throw new Error(`docker save ${img.ref} failed`);
  }
  await runRemote(conn, ['docker', 'tag', img.id, `${app}:${version}`]);
  return version;
}

/** The app's containers on the device: name, state, health and version. */
export async function appContainers(conn: SshConnection, app: string): Promise<{ name: string; status: string; health: string; version: string }[]> {
  const ids = (await runRemote(conn, ['docker', 'ps', '-aq', '--filter', `label=${LABELS.app}=${app}`])).split('\n').filter(Boolean);
  if (!ids.length) return [];
  const out = await runRemote(conn, ['docker', 'inspect', '-f', `{{.Name}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{index .Config.Labels "${LABELS.version}"}}`, ...ids]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name, status, health, version] = l.split('|');
      return { name: name.replace(/^\//, ''), status, health, version };
    });
}

/** Remove every container of the app and Pier's state of it on the device (a fresh start for a test). */
export async function resetApp(conn: SshConnection, app: string): Promise<void> {
  const ids = (await runRemote(conn, ['docker', 'ps', '-aq', '--filter', `label=${LABELS.app}=${app}`])).split('\n').filter(Boolean);
  if (ids.length) await runRemote(conn, ['docker', 'rm', '-f', ...ids]);
  await runRemote(conn, ['sh', '-c', 'rm -rf "$HOME/.pier/apps/$1" "$HOME/.pier/lock"', 'pier-sh', app]);
}

/** Collects run events; `text()` is every message, for assertions on what the person was told. */
export class Events {
  readonly all: (RunEvent & { at: number })[] = [];
  private waiters: { test: (e: RunEvent) => boolean; resolve: () => void }[] = [];
  readonly listener = (e: RunEvent): void => {
    this.all.push({ ...e, at: performance.now() });
    if (process.env.PIER_RUN_TRACE) process.stderr.write(`${new Date().toISOString().slice(11, 23)} [${e.phase}] ${e.message}\n`);
    this.waiters = this.waiters.filter((w) => !(w.test(e) && (w.resolve(), true)));
  };
  text(): string {
    return this.all.map((e) => `[${e.phase}] ${e.message}`).join('\n');
  }
  /** Resolve on the first event (from now on, or already seen) that passes `test`; reject after `ms`. */
  next(what: string, test: (e: RunEvent) => boolean, ms = 60_000): Promise<void> {
    if (this.all.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; events so far:\n${this.text()}`)), ms);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

/**
 * Watch a lab device's engine directly (its socket on the host, so it works while the device's
 * link is cut): `done` resolves on the first event line (`ACTION NAME`) that passes `test`, and
 * rejects after `ms`. Start it before the action it waits for.
 */
export function engineEvent(socket: string, filters: string[], test: (line: string) => boolean, ms: number): { done: Promise<string>; stop(): void } {
  const child = spawn('docker', ['events', '--format', '{{.Action}} {{.Actor.Attributes.name}}', ...filters], { env: { ...process.env, DOCKER_HOST: `unix://${socket}` }, stdio: ['ignore', 'pipe', 'ignore'] });
  const seen: string[] = [];
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching engine event within ${ms} ms; saw: ${seen.join(' / ')}`)), ms);
    createInterface({ input: child.stdout }).on('line', (l) => {
      seen.push(l);
      if (test(l)) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
  });
  done.catch(() => undefined);
  return { done, stop: () => child.kill() };
}

/**
 * Make sure Debian's docker-compose (v1) is installed on this machine: the lab's devices share its
 * file system, so this is how a lab device gets a Compose. Installed with apt like the lab's own
 * packages (waiting for another apt's lock).
 */
export async function ensureComposeV1(): Promise<void> {
  const have = await new Promise<boolean>((r) => spawn('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' }).on('close', (c) => r(c === 0)));
  if (have) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', 'docker-compose']]) {
    const code = await new Promise<number | null>((r) => spawn('apt-get', args, { env, stdio: 'ignore' }).on('close', r));
    if (code !== 0) throw new Error(`apt-get ${args.slice(2).join(' ')} failed (exit ${code}); the Compose lab test needs Debian's docker-compose`);
  }
}
