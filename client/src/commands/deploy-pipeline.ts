// The deploy as a sequence of steps taken from client/src/edge: probe the device, build for its
// platform, ship the missing layers, run and check health, then name the container whose logs
// to open. Each step reports words, bytes and log lines through one callback and honours the
// AbortSignal; deploy.ts turns that into progress, the log channel and messages.
//
// A step whose edge part has not landed yet fails with PendingStepError, naming what is missing,
// so a deploy never pretends to have done what it did not.

import type { Device } from '../edge/devices/list';
import type { ProbeResult } from '../edge/devices/probe';
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
  signal.throwIfAborted();
  report({ phase: 'build', message: `building ${req.app} for ${probe.platform ?? probe.machine}` });
  throw new PendingStepError('build', 'building for the device is not part of this build of Pier yet (the build step of issue 5 has not landed); nothing was changed on the device.');
}
