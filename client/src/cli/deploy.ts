// `pier deploy --device NAME [--file Dockerfile | --compose F] [--context DIR]`: probe the device,
// build for its platform, and ship only the layers it lacks. Starting the container (the run step
// with health check and rollback) lands with the next piece of work; until then deploy stops after
// the ship and says so.

import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { buildOptions, openDevice, parseBuildArgs, printBuildFailure, probeForDeploy, runBuild } from './build';
import { BuildFailed } from '../edge/build/build';
import { composeBuilds } from '../edge/build/compose-builds';
import { isDeviceError } from '../edge/ssh/errors';
import { ShipRefused } from '../edge/ship/plan';
import { formatProgress, type ShipProgress } from '../edge/ship/progress';
import { appRepository, shipImage, type ShipResult } from '../edge/ship/ship';
import type { SshPool } from '../edge/ssh/pool';

const HELP = `usage: pier deploy --device NAME [--file Dockerfile | --compose FILE] [--context DIR] [--app NAME]
                   [--build-arg K=V]... [--target STAGE] [--json] [--accept-new-host-key]

Probes the device, builds the image for its platform, and ships only the layers it lacks over the
SSH connection (a registry in this process, reached by the device through a reverse tunnel on its
loopback; a load over an exec channel when the device's sshd forbids forwarding).
The image is tagged APP:VERSION on the device (VERSION: the image ID's short form); earlier
versions stay. Starting the container is not part of deploy yet: it stops after shipping.

  --device NAME   a device from pier.devices or ~/.ssh/config, or a lab device (dev1, LAB/dev1)
  --compose FILE  build and ship every service of a Compose file that has build:
  --app NAME      the image name on the device (default: --tag's name, else the context directory)
`;

/** Print ship progress on one rewritten line when stderr is a terminal, else every few seconds. */
function progressPrinter(label: string): (p: ShipProgress) => void {
  let last = 0;
  return (p) => {
    if (p.phase !== 'transfer' || !p.totalBytes) return;
    const now = Date.now();
    if (process.stderr.isTTY) process.stderr.write(`\r${label}: ${formatProgress(p)}\x1b[K`);
    else if (now - last > 2000) {
      last = now;
      process.stderr.write(`${label}: ${formatProgress(p)}\n`);
    }
  };
}

/** `pier deploy` */
export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'build for a device and ship only the layers it lacks (pier deploy --device NAME)',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...buildOptions, compose: { type: 'string' }, app: { type: 'string' } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.device || (values.file && values.compose)) {
      process.stderr.write(HELP);
      return 2;
    }
    const ac = new AbortController();
    const onSigint = () => {
      process.stderr.write('\npier deploy: cancelling; the device is left as it was\n');
      ac.abort();
    };
    process.once('SIGINT', onSigint);
    let pool: SshPool | undefined;
    const say = (l: string) => process.stderr.write(`pier deploy: ${l}\n`);
    try {
      const opened = await openDevice(values.device, values);
      pool = opened.pool;
      const probe = await probeForDeploy(opened.conn, opened.device, ac.signal);
      say(`${values.device}: ${probe.platform}, ${probe.runtime!.name} ${probe.runtime!.version ?? ''}`.trim());
      const jobs: { app: string; file?: string; context?: string; buildArgs: Record<string, string>; target?: string }[] = [];
      const buildArgs = parseBuildArgs(values['build-arg']);
      if (values.compose) {
        const { project, builds } = composeBuilds(values.compose);
        if (!builds.length) throw new Error(`${values.compose} has no service with build:; there is nothing to build`);
        for (const b of builds) {
          if (b.platform && b.platform !== probe.platform) say(`service ${b.service} asks for ${b.platform}; building for the device's ${probe.platform}`);
          jobs.push({ app: `${project}-${b.service}`, file: b.dockerfile, context: b.context, buildArgs: { ...b.args, ...buildArgs }, target: b.target });
        }
      } else {
        const context = resolve(values.context ?? (values.file ? dirname(values.file) : '.'));
        const app = values.app ?? (values.tag ? values.tag.replace(/:[^/:]*$/, '').split('/').pop()! : basename(context));
        jobs.push({ app, file: values.file, context, buildArgs, target: values.target });
      }
      const results: ShipResult[] = [];
      for (const job of jobs) {
        const app = appRepository(job.app);
        const built = await runBuild({ file: job.file, context: job.context, platform: probe.platform!, tag: values.compose ? undefined : values.tag, buildArgs: job.buildArgs, target: job.target, signal: ac.signal, quiet: !!values.json });
        say(`built ${app} for ${probe.platform} in ${built.seconds.toFixed(1)} s (${built.imageId.slice(7, 19)})`);
        const r = await shipImage({ conn: opened.conn, device: { name: values.device, platform: probe.platform, runtime: probe.runtime! }, ref: built.imageId, app, signal: ac.signal, log: say, onProgress: values.json ? undefined : progressPrinter(app) });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        say(r.summary);
        results.push(r);
      }
      if (values.json) process.stdout.write(JSON.stringify(results.map(({ requests: _r, plan, ...rest }) => ({ ...rest, missingLayers: plan.missing.length, presentLayers: plan.present.length, reason: plan.reason })), null, 2) + '\n');
      else for (const r of results) process.stdout.write(`${r.tag}\n`);
      say(`stopped after shipping: starting the container on ${values.device} (with health check and rollback) is not built yet; ${results.map((r) => r.tag).join(', ')} ${results.length === 1 ? 'is' : 'are'} on the device, earlier versions kept.`);
      return 0;
    } catch (e) {
      if (e instanceof BuildFailed) {
        printBuildFailure(e);
        return 1;
      }
      if (e instanceof ShipRefused || isDeviceError(e)) {
        say(e.message);
        return 1;
      }
      if (ac.signal.aborted) {
        say('cancelled');
        return 130;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
      pool?.closeAll();
    }
  },
};
