// The deploy as a sequence of steps taken from client/src/edge: probe the device, build for its
// platform, ship the missing layers, run and check health, then name the container whose logs
// to open. Each step reports words, bytes and log lines through one callback and honours the
// AbortSignal; deploy.ts turns that into progress, the log channel and messages.
//
// A step whose edge part has not landed yet (starting a Compose project) fails with PendingStepError,
// naming what is missing, so a deploy never pretends to have done what it did not.

import { dirname } from 'node:path';
import { buildImage, type BuildResult } from '../edge/build/build';
import { composeBuilds } from '../edge/build/compose-builds';
import type { Device } from '../edge/devices/list';
import type { ProbeResult } from '../edge/devices/probe';
import { loadRunConfig } from '../edge/run/config';
import { containerNames } from '../edge/run/container-args';
import { runDeployStep } from '../edge/run/deploy-step';
import type { RunOutcome } from '../edge/run/types';
import { formatProgress } from '../edge/ship/progress';
import { appRepository, shipImage, type ShipResult } from '../edge/ship/ship';
import type { DeviceService } from '../views/devices-service';
import type { DeployPhase } from './deploy-errors';

/** What to deploy where. */
export interface DeployRequest {
  /** The Dockerfile or Compose file. */
  file: string;
  kind: 'dockerfile' | 'compose';
  /** App name on the device (image repository, container or project name). */
  app: string;
  device: Device;
  /** For Compose: deploy only this service. */
  service?: string;
  workspaceFolder?: string;
  /** Stop after this step (a `build` task stops after build). */
  until?: DeployPhase;
}

/** A progress report of one step. */
export interface StepReport {
  phase: DeployPhase;
  /** Words for the progress notification; undefined keeps the last ones. */
  message?: string;
  /** Bytes done of total (the ship step). */
  bytes?: { done: number; total: number };
  /** A detailed line for the log channel (build output, registry requests). */
  log?: string;
}

/** What a finished deploy did. */
export interface DeployOutcome {
  summary: string;
  /** The images built and shipped (one, or one per Compose service with build:). */
  shipped: ShipResult[];
  run?: RunOutcome;
  /** The container (or Compose project) that now runs, for the logs panel. */
  logsTarget?: { device: string; ref: string; kind: 'container' | 'compose' };
  probe: ProbeResult;
}

/** Thrown by a step whose part of the pipeline is not in this build yet. */
export class PendingStepError extends Error {
  constructor(
    readonly phase: DeployPhase,
    what: string,
  ) {
    super(what);
    this.name = 'PendingStepError';
  }
}

/** A run that ended with the previous version back (or nothing running): the deploy failed. */
export class RunFailedError extends Error {
  constructor(readonly outcome: RunOutcome) {
    super(`${outcome.summary}${outcome.failure ? ` (${outcome.failure.reason}${outcome.failure.exitCode !== undefined ? `, exit code ${outcome.failure.exitCode}` : ''})` : ''}`);
    this.name = 'RunFailedError';
  }
}

/** Run every step; resolves with the outcome or rejects with the failing step's error. */
export async function runDeployPipeline(
  req: DeployRequest,
  o: { devices: DeviceService; signal: AbortSignal; report(r: StepReport): void; log(line: string): void },
): Promise<DeployOutcome> {
  const { report, signal } = o;
  report({ phase: 'probe', message: `connecting to ${req.device.name}` });
  const probe = await o.devices.probe(req.device, signal);
  const rt = probe.runtime;
  report({ phase: 'probe', message: `${probe.platform ?? probe.machine}, ${rt ? `${rt.name} ${rt.version ?? ''}`.trim() : 'no runtime'}`, log: `probe: ${probe.os}, ${probe.platform ?? probe.machine}, runtime ${rt?.name ?? 'none'} (${rt?.access ?? '-'})` });
  if (!rt || rt.access === 'denied' || rt.access === 'not-running') {
    throw new Error(`${req.device.name} has no container runtime Pier can use (${rt ? `${rt.name}: ${rt.access}` : 'none found'}); the doctor says how to fix it.`);
  }
  if (!probe.platform) throw new Error(`${req.device.name} reports machine '${probe.machine}', which Pier cannot map to an image platform.`);
  const platform = probe.platform;
  const conn = o.devices.pool.get(req.device.target);

  // Compose: every service with build: is built and shipped; a Dockerfile is one job.
  const config = req.kind === 'dockerfile' ? loadRunConfig({ file: req.file, workspaceRoot: req.workspaceFolder }) : undefined;
  const jobs =
    req.kind === 'compose'
      ? (() => {
          const { project, builds } = composeBuilds(req.file);
          const chosen = builds.filter((b) => !req.service || b.service === req.service);
          if (!chosen.length) throw new Error(`${req.file} has no service${req.service ? ` ${req.service}` : ''} with build:; there is nothing to build.`);
          return chosen.map((b) => ({ app: `${project}-${b.service}`, context: b.context, dockerfile: b.dockerfile, buildArgs: b.args, target: b.target }));
        })()
      : [{ app: config!.name, context: dirname(req.file), dockerfile: req.file, buildArgs: {}, target: undefined as string | undefined }];

  const shipped: ShipResult[] = [];
  for (const job of jobs) {
    const app = appRepository(job.app);
    signal.throwIfAborted();
    report({ phase: 'build', message: `building ${app} for ${platform}` });
    const built: BuildResult = await buildImage({
      context: job.context,
      dockerfile: job.dockerfile,
      platform,
      buildArgs: job.buildArgs,
      target: job.target,
      signal,
      onLine: (l) => report({ phase: 'build', log: l }),
      onStep: (st) => report({ phase: 'build', message: `${app}: step ${st.step}${st.steps ? `/${st.steps}` : ''} ${st.text.slice(0, 60)}` }),
    });
    o.log(`built ${app} for ${platform} with ${built.builder.kind} in ${built.seconds.toFixed(1)} s (${built.imageId.slice(7, 19)})`);
    if (req.until === 'build') continue;
    report({ phase: 'ship', message: `${app}: comparing layers with ${req.device.name}` });
    const r = await shipImage({
      conn,
      device: { name: req.device.name, platform, runtime: rt },
      ref: built.imageId,
      app,
      signal,
      log: (l) => report({ phase: 'ship', log: l }),
      onProgress: (p) => report({ phase: 'ship', message: p.phase === 'transfer' && p.totalBytes ? `${app}: ${formatProgress(p)}` : (p.message ?? `${app}: ${p.phase}`), bytes: p.totalBytes ? { done: p.sentBytes, total: p.totalBytes } : undefined }),
    });
    o.log(r.summary);
    shipped.push(r);
  }
  if (req.until === 'build') return { summary: `built ${jobs.map((j) => j.app).join(', ')} for ${platform}.`, shipped, probe };
  signal.throwIfAborted();
  report({ phase: 'run', message: `starting ${shipped.map((r) => r.tag).join(', ')}` });
  const run = await runDeployStep({ conn, runtime: rt, signal, onEvent: (e) => report({ phase: 'run', message: e.message, log: `run/${e.phase}: ${e.message}` }) }, { kind: req.kind, file: req.file, project: req.kind === 'compose' ? composeBuilds(req.file).project : undefined, shipped, probe, workspaceRoot: req.workspaceFolder });
  if (run.status === 'failed' || run.status === 'rolled-back') {
    if (run.failure?.logs) o.log(`last lines of the failed version:\n${run.failure.logs}`);
    throw new RunFailedError(run);
  }
  report({ phase: 'logs', message: `following ${run.app}` });
  return { summary: run.summary, shipped, run, probe, logsTarget: { device: req.device.name, ref: req.kind === 'compose' ? run.app : containerNames(run.app).current, kind: req.kind === 'compose' ? 'compose' : 'container' } };
}
