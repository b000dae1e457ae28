// `pier deploy --device NAME [--file Dockerfile | --compose F] [--context DIR]`: probe the device,
// build for its platform, ship only the layers it lacks, then the run step (edge/run/deploy-step.ts,
// the same one Pier: Deploy calls): start, health check on the device, keep or roll back.

import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
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
import { deployAppName, deploySucceeded, runDeployStep } from '../edge/run/deploy-step';
import { DeviceBusyError } from '../edge/run/lock';
import { RunConfigError } from '../edge/run/config';

const HELP = `usage: pier deploy --device NAME [PATH | --file Dockerfile | --compose FILE] [--context DIR] [--app NAME]
                   [--build-arg K=V]... [--target STAGE] [--json] [--accept-new-host-key]

Probes the device, builds the image for its platform, and ships only the layers it lacks over the
SSH connection (a registry in this process, reached by the device through a reverse tunnel on its
loopback; a load over an exec channel when the device's sshd forbids forwarding).
The image is tagged APP:VERSION on the device (VERSION: the image ID's short form). Then the new
version starts beside the running one (or after stopping it, when it publishes ports), must pass
its HEALTHCHECK or the probe in pier.json, and is kept; otherwise the previous version runs again
and the failed one's exit code and last log lines are shown. A Compose file is brought up with
'up -d --remove-orphans' under a fixed project name. Run options: pier.json (docs/run.md).
Exit status: 0 deployed (or already running), 1 failed or rolled back.

  PATH            a folder (the build context), a Compose file or a Dockerfile
  --device NAME   a device from pier.devices or ~/.ssh/config, or a lab device (dev1, LAB/dev1)
  --compose FILE  build and ship every service of a Compose file that has build:
  --app NAME      the image name on the device (default: --tag's name, else pier.json's name, else
                  the context directory)
  --run-config F  the pier.json to use (default: found from the Dockerfile's or Compose file's folder up)
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
  summary: 'build for a device, ship only the layers it lacks, start it with health check and rollback',
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...buildOptions, compose: { type: 'string' }, app: { type: 'string' }, 'run-config': { type: 'string' } }, allowPositionals: true });
    // One PATH may name what to deploy: a folder (the context), a Compose file or a Dockerfile.
    if (positionals.length > 1) {
      process.stderr.write(HELP);
      return 2;
    }
    if (positionals[0]) {
      const p = positionals[0];
      if (existsSync(p) && statSync(p).isDirectory()) values.context ??= p;
      else if (/(^|\/)(docker-)?compose[^/]*\.ya?ml$/i.test(p)) values.compose ??= p;
      else values.file ??= p;
    }
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
      const probe = await probeForDeploy(opened.conn, opened.device, ac.signal, { compose: !!values.compose });
      say(`${values.device}: ${probe.platform}, ${probe.runtime!.name} ${probe.runtime!.version ?? ''}`.trim());
      const jobs: { app: string; file?: string; context?: string; buildArgs: Record<string, string>; target?: string }[] = [];
      const buildArgs = parseBuildArgs(values['build-arg']);
      let project: string | undefined;
      if (values.compose) {
        const { project: name, builds } = composeBuilds(values.compose);
        project = name;
        if (!builds.length) throw new Error(`${values.compose} has no service with build:; there is nothing to build`);
        for (const b of builds) {
          if (b.platform && b.platform !== probe.platform) say(`service ${b.service} asks for ${b.platform}; building for the device's ${probe.platform}`);
          jobs.push({ app: `${name}-${b.service}`, file: b.dockerfile, context: b.context, buildArgs: { ...b.args, ...buildArgs }, target: b.target });
        }
      } else {
        const context = resolve(values.context ?? (values.file ? dirname(values.file) : '.'));
        const app = values.app ?? (values.tag ? values.tag.replace(/:[^/:]*$/, '').split('/').pop()! : deployAppName('dockerfile', values.file ?? join(context, 'Dockerfile'), { configPath: values['run-config'] }));
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
      const run = await runDeployStep({ conn: opened.conn, runtime: probe.runtime!, signal: ac.signal, onEvent: (e) => void (e.phase !== 'done' && say(e.message)) }, { kind: values.compose ? 'compose' : 'dockerfile', file: values.compose ?? values.file ?? join(jobs[0].context!, 'Dockerfile'), project, shipped: results, probe, configPath: values['run-config'] });
      if (values.json) process.stdout.write(JSON.stringify({ shipped: results.map(({ requests: _r, plan, ...rest }) => ({ ...rest, missingLayers: plan.missing.length, presentLayers: plan.present.length, reason: plan.reason })), run }, null, 2) + '\n');
      else for (const r of results) process.stdout.write(`${r.tag}\n`);
      say(run.summary);
      return deploySucceeded(run) ? 0 : 1;
    } catch (e) {
      if (e instanceof BuildFailed) {
        printBuildFailure(e);
        return 1;
      }
      if (e instanceof ShipRefused || isDeviceError(e) || e instanceof DeviceBusyError || e instanceof RunConfigError) {
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
