// Building an image for a device's platform with the builder this machine has. Output streams
// line by line with step progress; a failure comes back as diagnostics on the Dockerfile lines.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { mapBuildErrors, type BuildDiagnostic } from './build-errors';
import { detectBuilders, type Builder } from './builders';
import { checkEmulation, type EmulationCheck } from './emulation';

/** Options of one build. */
export interface BuildOptions {
  /** The build context directory. */
  context: string;
  /** Dockerfile path (relative to the context, or absolute); default `Dockerfile` in the context. */
  dockerfile?: string;
  /** OCI platform, e.g. `linux/arm64`. */
  platform: string;
  tag?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** The builder to use; detected when absent. */
  builder?: Builder;
  signal?: AbortSignal;
  /** Every output line as it comes. */
  onLine?(line: string): void;
  /** Step progress: step `step` of `steps` started. */
  onStep?(p: { step: number; steps?: number; text: string }): void;
}

/** A finished build. */
export interface BuildResult {
  imageId: string;
  tag?: string;
  builder: Builder;
  dockerfile: string;
  emulation: EmulationCheck;
  seconds: number;
}

/** A build that failed, with its diagnostics (possibly none) and the output's tail. */
export class BuildFailed extends Error {
  override name = 'BuildFailed';
  constructor(
    message: string,
    readonly diagnostics: BuildDiagnostic[],
    readonly output: string,
  ) {
    super(message);
  }
}

/** Build args that BuildKit sets by itself and the classic builder does not (TARGETARCH and friends). */
export function platformArgs(platform: string, buildPlatform: string): Record<string, string> {
  const [os, arch, variant = ''] = platform.split('/');
  const [bos, barch, bvariant = ''] = buildPlatform.split('/');
  return { TARGETPLATFORM: platform, TARGETOS: os, TARGETARCH: arch, TARGETVARIANT: variant, BUILDPLATFORM: buildPlatform, BUILDOS: bos, BUILDARCH: barch, BUILDVARIANT: bvariant };
}

/** The command line of a build for a builder. */
export function buildArgv(b: Builder, o: { context: string; dockerfile: string; platform: string; tag?: string; buildArgs: Record<string, string>; target?: string; iidfile: string; buildPlatform: string }): string[] {
  const args: Record<string, string> = { ...(b.kind === 'docker-classic' ? platformArgs(o.platform, o.buildPlatform) : {}), ...o.buildArgs };
  const common = ['--platform', o.platform, '--file', o.dockerfile, '--iidfile', o.iidfile, ...(o.tag ? ['--tag', o.tag] : []), ...(o.target ? ['--target', o.target] : []), ...Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`])];
  switch (b.kind) {
    case 'buildx':
      // --load puts the result into the engine whatever the driver (docker-container keeps it otherwise).
      return ['buildx', 'build', '--progress=plain', '--load', ...common, o.context];
    case 'docker-buildkit':
      return ['build', '--progress=plain', ...common, o.context];
    case 'docker-classic':
      return ['build', ...common, o.context];
    case 'podman':
      return ['build', ...common, o.context];
  }
}

/** The step a line announces, for progress. */
export function stepOf(line: string): { step: number; steps?: number; text: string } | undefined {
  const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line) ?? /^(?:\[[^\]]+\] )?STEP (\d+)\/(\d+): (.*)$/.exec(line) ?? /^#\d+ \[(?:[\w.-]+ )?(\d+)\/(\d+)\] (.*)$/.exec(line);
  return m ? { step: Number(m[1]), steps: Number(m[2]), text: m[3] } : undefined;
}

const NODE_TO_PLATFORM: Record<string, string> = { x64: 'linux/amd64', arm64: 'linux/arm64', arm: 'linux/arm/v7' };

/** Build an image; rejects with BuildFailed (with diagnostics) when the builder fails. */
export async function buildImage(o: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const builder = o.builder ?? (await detectBuilders())[0];
  if (!builder) throw new BuildFailed('no image builder found: install Docker (docker.io) or Podman', [], '');
  const context = resolve(o.context);
  const dockerfile = o.dockerfile ? (isAbsolute(o.dockerfile) ? o.dockerfile : resolve(o.dockerfile)) : join(context, 'Dockerfile');
  let text = '';
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    throw new BuildFailed(`cannot read ${dockerfile}`, [], '');
  }
  const emulation = checkEmulation(o.platform, { dockerfile: text, localEngine: !/^(tcp|ssh):/.test(process.env.DOCKER_HOST ?? '') });
  if (!emulation.ok) {
    throw new BuildFailed(`${emulation.message} Fix: ${emulation.fix}.`, emulation.crossStages.map((s) => ({ file: dockerfile, range: { start: { line: s.line, character: 0 }, end: { line: s.line, character: 0 } }, message: s.message, severity: 'warning' as const })), '');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pier-build-'));
  const iidfile = join(dir, 'iid');
  const argv = buildArgv(builder, { context, dockerfile, platform: o.platform, tag: o.tag, buildArgs: o.buildArgs ?? {}, target: o.target, iidfile, buildPlatform: NODE_TO_PLATFORM[process.arch] ?? 'linux/amd64' });
  try {
    const output = await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(builder.bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_CLI_HINTS: 'false', ...builder.env }, signal: o.signal });
      const kept: string[] = [];
      let partial = { out: '', err: '' };
      const onData = (which: 'out' | 'err') => (d: Buffer) => {
        const parts = (partial[which] + d.toString('utf8')).split(/\r?\n/);
        partial[which] = parts.pop() ?? '';
        for (const line of parts) emit(line);
      };
      const emit = (line: string) => {
        kept.push(line);
        if (kept.length > 4000) kept.splice(0, kept.length - 3000);
        o.onLine?.(line);
        const s = stepOf(line);
        if (s) o.onStep?.(s);
      };
      child.stdout.on('data', onData('out'));
      child.stderr.on('data', onData('err'));
      child.on('error', (e: NodeJS.ErrnoException) => reject(o.signal?.aborted ? new BuildFailed('build cancelled', [], '') : new BuildFailed(e.code === 'ENOENT' ? `${builder.bin} is not installed` : e.message, [], '')));
      child.on('close', (code) => {
        for (const rest of [partial.out, partial.err]) if (rest) emit(rest);
        partial = { out: '', err: '' };
        const all = kept.join('\n');
        if (o.signal?.aborted) return reject(new BuildFailed('build cancelled', [], all));
        if (code !== 0) {
          const diagnostics = mapBuildErrors(all, text, dockerfile);
          const first = diagnostics[0];
          const where = first ? `${dockerfile}:${first.range.start.line + 1}: ${first.message}` : kept.filter((l) => l.trim()).slice(-1)[0] ?? `exit ${code}`;
          return reject(new BuildFailed(`the build failed: ${where}`, diagnostics, all));
        }
        resolvePromise(all);
      });
    });
    const imageId = readFileSync(iidfile, 'utf8').trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(imageId)) throw new BuildFailed(`the builder reported no image ID (${imageId || 'empty'})`, [], output);
    return { imageId, tag: o.tag, builder, dockerfile, emulation, seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
