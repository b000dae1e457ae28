// Docker engines the lab talks to: the host's build engine (started by the lab only when none
// runs) and each device's own engine, reached through the socket it also listens on in its
// device directory.

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { stateRoot } from './names';
import { lastLine, pidAlive, run, startDetached, waitUntil, type RunOptions } from './run';
import type { BuildEngineState, LabProgress } from './types';
import { LabError } from './types';

/** The host engine's socket; the lab always names it, whatever DOCKER_HOST or context says. */
export const BUILD_SOCKET = '/var/run/docker.sock';

/** Resolve true when a Docker engine answers `/_ping` on this unix socket. */
export function enginePing(socket: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(false);
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Run the docker CLI against the engine on `socket`, with the classic builder. */
export function docker(socket: string, args: readonly string[], o: RunOptions = {}) {
  return run('docker', args, { ...o, env: { DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false', ...o.env } });
}

function engineFile(): string {
  return join(stateRoot(), 'build-engine.json');
}

/** What the lab knows about the build engine it started, if it started one. */
export function readBuildEngine(): BuildEngineState | undefined {
  try {
    return JSON.parse(readFileSync(engineFile(), 'utf8')) as BuildEngineState;
  } catch {
    return undefined;
  }
}

/**
 * Make sure a build engine answers on BUILD_SOCKET. When none does, start the host's dockerd
 * with its default data root (so built images and the base image cache survive `down`), without
 * a default bridge or iptables rules: builds need no network here, and the engine then leaves no
 * interfaces or firewall chains behind when it stops.
 */
export async function ensureBuildEngine(o: { signal?: AbortSignal; onProgress?: LabProgress } = {}): Promise<BuildEngineState> {
  if (await enginePing(BUILD_SOCKET)) {
    const known = readBuildEngine();
    return known && pidAlive(known.pid) ? known : { socket: BUILD_SOCKET };
  }
  o.onProgress?.('starting the build engine (dockerd)');
  const log = join(stateRoot(), 'build-engine.log');
  const pid = await startDetached('dockerd', ['--host', `unix://${BUILD_SOCKET}`, '--bridge=none', '--iptables=false', '--ip-masq=false'], log, 'dockerd');
  const state: BuildEngineState = { socket: BUILD_SOCKET, pid, log };
  writeFileSync(engineFile(), JSON.stringify(state) + '\n', { mode: 0o600 });
  try {
    await waitUntil(
      async () => {
        if (!pidAlive(pid)) throw new LabError(`the build engine (dockerd) exited: ${lastLine(readFileSync(log, 'utf8')).slice(0, 300)}`);
        return (await enginePing(BUILD_SOCKET, 500)) || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the build engine (dockerd) did not answer within 60 s', signal: o.signal },
    );
  } catch (e) {
    await stopBuildEngine();
    throw e;
  }
  return state;
}

/** Stop the build engine if (and only if) the lab started it. */
export async function stopBuildEngine(): Promise<boolean> {
  const st = readBuildEngine();
  rmSync(engineFile(), { force: true });
  if (!st?.pid || !pidAlive(st.pid) || !isDockerd(st.pid)) return false;
  return stopPid(st.pid, 10_000);
}

/** Whether `pid` is a dockerd, so a recycled PID is never signalled. */
export function isDockerd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
  } catch {
    return false;
  }
}

/** SIGTERM a process, wait for it to go, SIGKILL it after `graceMs`; true if it was running. */
export async function stopPid(pid: number, graceMs: number): Promise<boolean> {
  if (!pidAlive(pid)) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    const hard = Date.now() + 3000;
    while (pidAlive(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Whether the engine on `socket` has an image with this reference. */
export async function hasImage(socket: string, ref: string): Promise<boolean> {
  const r = await docker(socket, ['image', 'inspect', '--format', '{{.Id}}', ref], { allowFail: true });
  return r.code === 0;
}

/** Platform and size of an image, as the engine records them. */
export async function imageInfo(socket: string, ref: string): Promise<{ id: string; platform: string; size: number }> {
  // Parsed from JSON: a Go template naming `.Variant` fails on engines that omit the field.
  const r = await docker(socket, ['image', 'inspect', ref]);
  const [img] = JSON.parse(r.stdout) as Array<{ Id: string; Os: string; Architecture: string; Variant?: string; Size: number }>;
  return { id: img.Id, platform: [img.Os, img.Architecture, img.Variant].filter(Boolean).join('/'), size: img.Size };
}
