// The demo's first half on the lab: bring a device up, build the example apps for the device's
// platform and try one under qemu, and probe the device over SSH. scripts/demo.mjs then runs
// `pier deploy` and `pier logs` against the same device, exactly as a user would.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { deviceAccess, sshArgs, type LabDeviceAccess } from './access';
import { docker, ensureBuildEngine, imageInfo } from './engine';
import { baseImageRef, defaultImageRequests, ensureBaseImages, type BaseImageReport } from './images';
import { labStatus, labUp } from './lab';
import { checkAbort, lastLine } from './run';
import type { LabArch, LabProgress } from './types';
import { LabError } from './types';

/** Ensure base images for `arches` in the build engine (starting it if needed). */
export async function ensureBaseImagesWithEngine(arches: LabArch[], o: { debianArmv7?: boolean; rebuild?: boolean; signal?: AbortSignal; onProgress?: LabProgress }): Promise<BaseImageReport[]> {
  const engine = await ensureBuildEngine(o);
  const reqs = defaultImageRequests(arches);
  if (o.debianArmv7 && arches.includes('armv7')) reqs.push({ kind: 'debian', arch: 'armv7' });
  return ensureBaseImages(engine.socket, reqs, o);
}

/** The examples directory next to the bundle or in the working directory. */
export function findExamplesDir(): string {
  const candidates = [resolve(__dirname, '..', 'examples'), resolve(__dirname, '..', '..', '..', '..', 'examples'), resolve(process.cwd(), 'examples')];
  const found = candidates.find((c) => existsSync(join(c, 'http-service', 'Dockerfile')));
  if (!found) throw new LabError(`cannot find Pier's examples/ directory (looked in ${candidates.join(', ')})`);
  return found;
}

/** Run OpenSSH's ssh to a lab device; resolves with its output. */
export function sshRun(d: LabDeviceAccess, remote: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ssh', sshArgs(d, remote), { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', (e) => reject(signal?.aborted ? new LabError('cancelled') : new LabError(`ssh: ${e.message}`)));
    child.on('close', (code) => resolvePromise({ code: code ?? 255, stdout, stderr }));
  });
}

// The probe runs as one constant script on the device, so it costs one SSH round trip.
const PROBE = [
  'echo "machine=$(uname -m)"',
  'echo "hostname=$(hostname)"',
  'echo "runtime=docker $(docker version --format \'{{.Server.Version}}\' 2>/dev/null || echo none)"',
  'echo "images=$(docker images -q 2>/dev/null | wc -l)"',
  'echo "disk_free_kb=$(df -Pk / | awk \'NR==2{print $4}\')"',
].join('; ');

/** Options of `runDemo`. */
export interface DemoOptions {
  name: string;
  signal?: AbortSignal;
  /** Where the demo's report lines go. */
  out: (line: string) => void;
  onProgress?: LabProgress;
}

/** The main job on the lab, as far as it is built. Resolves to an exit code. */
export async function runDemo(o: DemoOptions): Promise<number> {
  const { out } = o;
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  out('Pier demo: the main job against the built-in lab (an emulated ARM device on this machine)');
  let st = labStatus(o.name);
  if (st.healthy && st.state) out(`1. lab: reusing the running lab '${o.name}'`);
  else {
    out(`1. lab: bringing up one arm64 device (first run also builds the base images: a few minutes)`);
    await labUp({ name: o.name, devices: 1, arch: 'arm64', signal: o.signal, onProgress: o.onProgress });
    st = labStatus(o.name);
  }
  const state = st.state!;
  const dev = deviceAccess(state, state.devices[0]);
  out(`   device ${dev.name}: ${dev.user}@${dev.host}:${dev.port}, claims ${dev.machine} (${secs()})`);

  const examples = findExamplesDir();
  const app = 'sensor-publisher';
  const arch = dev.arch;
  const engine = await ensureBuildEngine({ signal: o.signal, onProgress: o.onProgress });
  // The Debian-based example needs the ~100 MB Debian base image; for armv7 that image is optional.
  const apps: Array<{ dir: string; base: 'busybox' | 'debian' }> = [{ dir: app, base: 'busybox' }];
  if (arch === 'arm64') apps.push({ dir: 'http-service', base: 'debian' });
  let ref = '';
  for (const a of apps) {
    const appRef = `pier-lab/demo-${a.dir}:${arch}`;
    if (a.dir === app) ref = appRef;
    out(`2. build: ${a.dir} for ${dev.platform} in the build engine (FROM ${baseImageRef(a.base, arch)}, made from Debian packages)`);
    await ensureBaseImages(engine.socket, [{ kind: 'busybox', arch }, ...(a.base === 'debian' ? [{ kind: 'debian' as const, arch }] : [])], { signal: o.signal, onProgress: o.onProgress });
    await docker(engine.socket, ['build', '--quiet', '--force-rm', '--platform', dev.platform, '--build-arg', `LAB_ARCH=${arch}`, '--label', 'pier-lab=demo', '--tag', appRef, join(examples, a.dir)], { signal: o.signal, timeoutMs: 600_000 });
    const info = await imageInfo(engine.socket, appRef);
    out(`   ${appRef}: ${info.platform}, ${(info.size / 1e6).toFixed(2)} MB, ${info.id.slice(7, 19)} (${secs()})`);
    if (info.platform.replace(/\/v8$/, '') !== dev.platform) throw new LabError(`the image was built for ${info.platform}, not the device's ${dev.platform}`);
  }
  checkAbort(o.signal);
  const trial = await docker(engine.socket, ['run', '--rm', '--platform', dev.platform, '--env', 'COUNT=3', '--env', 'RATE=20', '--env', 'SENSOR=demo', ref], { signal: o.signal, allowFail: true, timeoutMs: 60_000 });
  if (trial.code !== 0) throw new LabError(`the built image did not run under qemu: ${lastLine(trial.stderr)}`);
  out(`   trial run of ${app} under qemu on the build machine: ${trial.stdout.trim().split('\n').join(' | ')}`);

  out(`3. probe: ${dev.name} over SSH (lab key, strict host key checking against the lab's known_hosts)`);
  const probe = await sshRun(dev, ['sh', '-c', PROBE], o.signal);
  if (probe.code !== 0) throw new LabError(`probing ${dev.name} over SSH failed: ${lastLine(probe.stderr)}`);
  const facts = Object.fromEntries(probe.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  out(`   machine ${facts.machine}, hostname ${facts.hostname}, ${facts.runtime}, ${facts.images} images on the device, ${(Number(facts.disk_free_kb) / 1e6).toFixed(1)} GB free (${secs()})`);
  if (facts.machine !== dev.machine) throw new LabError(`the device says ${facts.machine}, expected ${dev.machine}`);

  out(`Lab and builds ready in ${secs()}. The lab stays up: 'pier lab status', 'pier lab ssh ${dev.name} docker ps', 'pier lab down' when finished.`);
  const vsix = join(dirname(examples), 'pier.vsix');
  out(existsSync(vsix)
    ? `In VS Code: code --install-extension ${vsix}, then open examples/${app}/Dockerfile for Pier's hints.`
    : `In VS Code: there is no pier.vsix yet (npm run package makes it); then open examples/${app}/Dockerfile for Pier's hints.`);
  return 0;
}
