// A real registry for the size tests: Debian's docker-registry (the reference implementation) on
// 127.0.0.1 with its own config and storage, loaded with images built in the lab's build engine
// and copied in with skopeo, plus a multi-platform index written through the registry API.
// Started and stopped by PID through test/helpers/process.ts. Prerequisites missing: a loud
// SKIPPED line, or a failure under CI.

import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_SOCKET, docker, ensureBaseImages, ensureBuildEngine } from '../../client/src/edge/lab';
import { run } from '../../client/src/edge/lab/run';
import { freePort, startProcess } from '../helpers/process';

export { freePort };

const warned = new Set<string>();

/** Why these tests cannot run here (undefined when they can); throws under CI. */
export function sizeSkipReason(needs: { docker?: boolean; registry?: boolean } = {}): string | undefined {
  let reason: string | undefined;
  if (process.platform !== 'linux') reason = `not Linux (${process.platform})`;
  else if (typeof process.getuid === 'function' && process.getuid() !== 0) reason = 'not root (the build engine and Debian packages need root)';
  else if (needs.registry && !existsSync('/usr/bin/docker-registry') && !aptPossible()) reason = 'docker-registry is not installed and apt-get is not available';
  if (!reason) return undefined;
  if (process.env.CI) throw new Error(`SIZE TESTS CANNOT RUN: ${reason}, and CI must run them`);
  if (!warned.has(reason)) process.stderr.write(`\n*** SKIPPED: size tests against a real registry/engine: ${reason} ***\n\n`);
  warned.add(reason);
  return `SKIPPED: ${reason}`;
}

function aptPossible(): boolean {
  return existsSync('/usr/bin/apt-get');
}

/** Install Debian packages the size tests need (docker-registry, skopeo) when missing. */
export async function ensureSizePackages(): Promise<void> {
  const missing = [
    ['docker-registry', '/usr/bin/docker-registry'],
    ['skopeo', '/usr/bin/skopeo'],
  ].filter(([, p]) => !existsSync(p)).map(([n]) => n);
  if (!missing.length) return;
  await run('apt-get', ['-q', '-o', 'DPkg::Lock::Timeout=600', 'update'], { allowFail: true, timeoutMs: 600_000 });
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...missing], { timeoutMs: 1_200_000 });
}

/** A running registry. */
export interface TestRegistry {
  host: string;
  url: string;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start docker-registry on a random loopback port; resolves when it logs that it listens. */
export async function startRegistry(): Promise<TestRegistry> {
  await ensureSizePackages();
  const dir = mkdtempSync(join(tmpdir(), 'pier-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  mkdirSync(join(dir, 'storage'));
  writeFileSync(config, `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const reg = await startProcess('/usr/bin/docker-registry', ['serve', config], { ready: /listening on/, timeoutMs: 20_000 });
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `http://${host}`,
    dir,
    child: reg.child,
    async stop() {
      await reg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Build an image in the lab's build engine from a Dockerfile text and files. */
export async function buildImage(tag: string, platform: string, dockerfile: string, files: Record<string, Buffer | string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pier-size-build-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    await docker(BUILD_SOCKET, ['build', '--quiet', '--force-rm', '--platform', platform, '--label', 'pier-lab=size-test', '--tag', tag, dir], { timeoutMs: 600_000 });
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The lab's build engine with its busybox base images (arm64, armv7). */
export async function ensureEngineAndBases(): Promise<void> {
  await ensureBuildEngine({ onProgress: (m) => process.stderr.write(`[size tests] ${m}\n`) });
  await ensureBaseImages(BUILD_SOCKET, [
    { kind: 'busybox', arch: 'arm64' },
    { kind: 'busybox', arch: 'armv7' },
  ], { onProgress: (m) => process.stderr.write(`[size tests] ${m}\n`) });
}

/** Copy an image from the build engine into the registry (skopeo compresses layers with gzip). */
export async function pushToRegistry(reg: TestRegistry, local: string, remote: string): Promise<void> {
  await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-daemon:${local}`, `docker://${reg.host}/${remote}`], { timeoutMs: 300_000, env: { DOCKER_HOST: `unix://${BUILD_SOCKET}` } });
}

/** A manifest as the registry serves it: media type, digest and size of its exact bytes. */
export async function manifestOf(reg: TestRegistry, repo: string, tag: string): Promise<{ mediaType: string; digest: string; size: number; body: any }> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
  if (!res.ok) throw new Error(`manifest ${repo}:${tag}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const body = JSON.parse(bytes.toString('utf8'));
  return { mediaType: body.mediaType ?? res.headers.get('content-type'), digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex'), size: bytes.length, body };
}

/** Write a multi-platform index for `repo:tag` from per-platform tags, through the registry API. */
export async function putIndex(reg: TestRegistry, repo: string, tag: string, entries: Array<{ tag: string; platform: { os: string; architecture: string; variant?: string } }>): Promise<void> {
  const manifests = [];
  for (const e of entries) {
    const m = await manifestOf(reg, repo, e.tag);
    manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: e.platform });
  }
  const index = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests };
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': index.mediaType }, body: JSON.stringify(index) });
  if (res.status !== 201) throw new Error(`PUT index ${repo}:${tag}: ${res.status} ${await res.text()}`);
}
