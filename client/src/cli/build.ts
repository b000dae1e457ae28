// `pier build [--device NAME | --platform P] [--file F] [--context DIR] [--tag T]`: build for a
// device's platform (probed over SSH) with the builder this machine has, say up front when the
// machine cannot run that platform, map a failure to Dockerfile lines, and prepare the layers
// for shipping (compressed once, cached by content).

import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { cliPool, deviceListOptions, loadCliDevices } from './devices';
import { buildImage, BuildFailed, type BuildResult } from '../edge/build/build';
import { describeBuilder, detectBuilders } from '../edge/build/builders';
import { checkEmulation } from '../edge/build/emulation';
import { runtimeProblem, type ProbeResult } from '../edge/devices/probe';
import { probeViaShell } from '../edge/ship/device-shell';
import { isDeviceError } from '../edge/ssh/errors';
import type { SshConnection } from '../edge/ssh/connection';
import { SshPool } from '../edge/ssh/pool';
import { prepareImage } from '../edge/ship/prepare';
import { formatBytes } from '../edge/ship/progress';
import { resolveDevice, type ResolvedDevice } from '../edge/ship/targets';
import { readFileSync } from 'node:fs';

const HELP = `usage: pier build [--device NAME | --platform P] [--file F] [--context DIR] [--tag T]
                  [--build-arg K=V]... [--target STAGE] [--accept-new-host-key]

Builds an image for a device's platform (probed over SSH) or for --platform, with the builder this
machine has (docker buildx, docker build with BuildKit or the classic builder, podman build).
Before building it says when this machine cannot run the platform's programs, with the fix.
A failed build is reported as FILE:LINE:COL diagnostics on the Dockerfile.

  --device NAME    a device from pier.devices or ~/.ssh/config, or a lab device (dev1, LAB/dev1)
  --platform P     e.g. linux/arm64 or linux/arm/v7 (default linux/arm64 without --device)
  --file F         the Dockerfile (default: Dockerfile in the context)
  --context DIR    the build context (default: the Dockerfile's directory, else .)
  --tag T          name the image
`;

/** Options shared by build and deploy. */
export const buildOptions = {
  ...deviceListOptions,
  device: { type: 'string' },
  platform: { type: 'string' },
  file: { type: 'string', short: 'f' },
  context: { type: 'string' },
  tag: { type: 'string', short: 't' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  'accept-new-host-key': { type: 'boolean' },
} as const;

/** Parse repeated K=V build args. */
export function parseBuildArgs(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const i = a.indexOf('=');
    if (i <= 0) throw new Error(`--build-arg expects KEY=VALUE, got '${a}'`);
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** A connected device for one CLI run: its pool (lab devices get the lab's strict known_hosts). */
export async function openDevice(name: string, values: { config?: string; 'no-ssh-config'?: boolean; 'accept-new-host-key'?: boolean }): Promise<{ device: ResolvedDevice; pool: SshPool; conn: SshConnection }> {
  const device = resolveDevice(name, await loadCliDevices(values));
  const pool = device.knownHostsFile
    ? new SshPool({ hostKeys: { knownHostsFiles: [], pierKnownHostsFile: device.knownHostsFile }, agentSocket: null, connectTimeoutMs: 10_000, reconnect: { maxAttempts: 6 } })
    : cliPool(values['accept-new-host-key'] === true);
  return { device, pool, conn: pool.get(device.target) };
}

/** Probe a device and fail with the runtime problem, if any; `compose: false` skips asking Compose. */
export async function probeForDeploy(conn: SshConnection, device: ResolvedDevice, signal: AbortSignal, o: { compose?: boolean } = {}): Promise<ProbeResult> {
  const p = await probeViaShell(conn, { runtime: device.runtime, signal, compose: o.compose });
  const problem = runtimeProblem(device.name, p);
  if (problem) throw problem;
  if (!p.platform) throw new Error(`${device.name} reports machine '${p.machine}', which Pier cannot map to a platform; pass --platform`);
  return p;
}

/** Print a failed build's diagnostics like a compiler. */
export function printBuildFailure(e: BuildFailed): void {
  for (const d of e.diagnostics) process.stderr.write(`${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}\n`);
  process.stderr.write(`pier: ${e.message}\n`);
}

/** Build with progress on stderr; the context defaults to the Dockerfile's directory. */
export async function runBuild(o: { file?: string; context?: string; platform: string; tag?: string; buildArgs: Record<string, string>; target?: string; signal: AbortSignal; quiet?: boolean }): Promise<BuildResult> {
  const builders = await detectBuilders();
  if (!builders.length) throw new Error('no image builder found: install Docker (docker.io) or Podman');
  const context = resolve(o.context ?? (o.file ? dirname(o.file) : '.'));
  const dockerfile = o.file ? resolve(o.file) : resolve(context, 'Dockerfile');
  let text: string | undefined;
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    // buildImage says it cannot read the file.
  }
  const emu = checkEmulation(o.platform, { dockerfile: text });
  process.stderr.write(`pier build: ${describeBuilder(builders[0])}; ${emu.message}\n`);
  for (const s of emu.crossStages) process.stderr.write(`  ${dockerfile}:${s.line + 1}: ${s.message}\n`);
  return buildImage({
    context,
    dockerfile,
    platform: o.platform,
    tag: o.tag,
    buildArgs: o.buildArgs,
    target: o.target,
    builder: builders[0],
    signal: o.signal,
    onLine: o.quiet ? undefined : (l) => process.stderr.write(`  | ${l}\n`),
  });
}

/** `pier build` */
export const buildCommand: CliCommand = {
  name: 'build',
  summary: "build an image for a device's platform (pier build --device NAME)",
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: buildOptions });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.device && values.platform) {
      process.stderr.write('pier build: give --device or --platform, not both\n');
      return 2;
    }
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let pool: SshPool | undefined;
    try {
      let platform = values.platform ?? 'linux/arm64';
      if (values.device) {
        const opened = await openDevice(values.device, values);
        pool = opened.pool;
        platform = (await probeForDeploy(opened.conn, opened.device, ac.signal, { compose: false })).platform!;
        process.stderr.write(`pier build: ${values.device} is ${platform}\n`);
      }
      const r = await runBuild({ file: values.file, context: values.context, platform, tag: values.tag, buildArgs: parseBuildArgs(values['build-arg']), target: values.target, signal: ac.signal });
      const prepared = await prepareImage(r.imageId, { signal: ac.signal });
      const size = prepared.layers.reduce((n, l) => n + l.size, 0);
      process.stdout.write(`${r.imageId}${r.tag ? ` ${r.tag}` : ''}\n`);
      process.stderr.write(`pier build: built for ${platform} in ${r.seconds.toFixed(1)} s; ${prepared.layers.length} layers ready to ship (${formatBytes(size)} compressed${prepared.exported ? ', newly compressed and cached' : ', all cached'})\n`);
      return 0;
    } catch (e) {
      if (e instanceof BuildFailed) {
        printBuildFailure(e);
        return 1;
      }
      if (isDeviceError(e)) {
        process.stderr.write(`pier build: ${e.message}\n`);
        return 1;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
      pool?.closeAll();
    }
  },
};
