// Which image builders this machine has, and the one Pier uses: `docker buildx` (with its
// builders' drivers), `docker build` with BuildKit or the classic builder, or `podman build`.
// Detection runs each CLI's version commands; choosing is a pure function of what they said.

import { spawn } from 'node:child_process';

/** A kind of builder. */
export type BuilderKind = 'buildx' | 'docker-buildkit' | 'docker-classic' | 'podman';

/** One builder found on this machine. */
export interface Builder {
  kind: BuilderKind;
  /** CLI program to run. */
  bin: string;
  /** The CLI's version (docker's client, or podman's). */
  version?: string;
  /** The engine's version, for Docker. */
  engineVersion?: string;
  /** buildx: the builders and their drivers (`docker`, `docker-container`, `kubernetes`, `remote`). */
  drivers?: { name: string; driver: string }[];
  /** Environment the build runs with (DOCKER_BUILDKIT). */
  env: Record<string, string>;
}

/** What the version commands printed (null: the command failed or is missing). */
export interface BuilderFacts {
  dockerClient: string | null;
  dockerServer: string | null;
  buildxVersion: string | null;
  buildxLs: string | null;
  podmanVersion: string | null;
}

function runQuiet(bin: string, args: string[], env: Record<string, string> = {}): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, DOCKER_CLI_HINTS: 'false', ...env }, timeout: 15_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? out.trim() : null));
  });
}

/** Ask the CLIs on this machine what they are. */
export async function gatherBuilderFacts(): Promise<BuilderFacts> {
  const [dockerClient, dockerServer, buildxVersion, podmanVersion] = await Promise.all([
    runQuiet('docker', ['version', '--format', '{{.Client.Version}}']),
    runQuiet('docker', ['version', '--format', '{{.Server.Version}}']),
    runQuiet('docker', ['buildx', 'version']),
    runQuiet('podman', ['version', '--format', '{{.Client.Version}}']),
  ]);
  const buildxLs = buildxVersion ? await runQuiet('docker', ['buildx', 'ls']) : null;
  return { dockerClient, dockerServer, buildxVersion, buildxLs, podmanVersion };
}

/** Parse `docker buildx ls`: builder lines carry a name and a driver; node lines start with a space or `\_`. */
export function parseBuildxLs(text: string): { name: string; driver: string }[] {
  const out: { name: string; driver: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim() || /^\s|^\\_/.test(line)) continue;
    const [name, driver] = line.trim().replace(/^(\S+)\s+\*(?=\s)/, '$1*').split(/\s+/);
    if (name && driver && /^(docker|docker-container|kubernetes|remote)$/.test(driver)) out.push({ name: name.replace(/\*$/, ''), driver });
  }
  return out;
}

function major(v: string | null | undefined): number {
  return Number(/^v?(\d+)/.exec(v ?? '')?.[1] ?? NaN);
}

/** Every builder the facts show, best first. */
export function buildersFrom(f: BuilderFacts): Builder[] {
  const out: Builder[] = [];
  const client = f.dockerClient ?? undefined;
  const engine = f.dockerServer ?? undefined;
  if (f.dockerClient !== null && f.dockerServer !== null) {
    if (f.buildxVersion !== null) {
      out.push({ kind: 'buildx', bin: 'docker', version: /v?(\d[\w.+-]*)/.exec(f.buildxVersion)?.[1], engineVersion: engine, drivers: f.buildxLs ? parseBuildxLs(f.buildxLs) : [], env: {} });
    }
    // CLI 23 and later hand `docker build` with BuildKit to buildx, so without buildx only the
    // classic builder is left; older CLIs run BuildKit themselves on an engine of 18.09 or later.
    const cliHasBuildkit = major(client) < 23 && major(engine) >= 18;
    if (cliHasBuildkit && f.buildxVersion === null) out.push({ kind: 'docker-buildkit', bin: 'docker', version: client, engineVersion: engine, env: { DOCKER_BUILDKIT: '1' } });
    out.push({ kind: 'docker-classic', bin: 'docker', version: client, engineVersion: engine, env: { DOCKER_BUILDKIT: '0' } });
  }
  if (f.podmanVersion !== null) out.push({ kind: 'podman', bin: 'podman', version: f.podmanVersion, env: {} });
  return out;
}

/** Detect the builders; the first is the one to use. */
export async function detectBuilders(): Promise<Builder[]> {
  return buildersFrom(await gatherBuilderFacts());
}

/** One line about a builder, for the person. */
export function describeBuilder(b: Builder): string {
  switch (b.kind) {
    case 'buildx':
      return `docker buildx ${b.version ?? ''} (drivers: ${b.drivers?.map((d) => `${d.name}=${d.driver}`).join(', ') || 'none listed'})`.trim();
    case 'docker-buildkit':
      return `docker build with BuildKit (client ${b.version}, engine ${b.engineVersion})`;
    case 'docker-classic':
      return `docker build, classic builder (client ${b.version}, engine ${b.engineVersion}${major(b.version) >= 23 ? '; BuildKit needs the buildx plugin, which is not installed' : ''})`;
    case 'podman':
      return `podman build ${b.version}`;
  }
}
