// The run step of a deploy, as one function that `pier deploy` and the extension's Pier: Deploy
// both call after build and ship: read the app's run options (pier.json), then start the shipped
// version of a single-container app, or bring a Compose project up with the shipped images, wait
// for health on the device and keep it or roll back. What happens is told through `onEvent`.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ProbeResult } from '../devices/probe';
import { appRepository } from '../ship/ship';
import { builtServices, releaseFromFiles } from './compose-release';
import { loadRunConfig } from './config';
import { composeKind, deployCompose } from './run-compose';
import { deployContainer, type RunTarget } from './run-container';
import { rt } from './device-ops';
import type { RunConfig, RunOutcome } from './types';

/** An image the ship step put on the device. */
export interface ShippedImage {
  /** The image repository on the device (`appRepository` of the app or `<project>-<service>`). */
  app: string;
  version: string;
  /** `<app>:<version>`. */
  tag: string;
}

/** What the run step starts. */
export interface DeployStepRequest {
  kind: 'dockerfile' | 'compose';
  /** The Dockerfile or Compose file deployed; pier.json is looked for from its folder up. */
  file: string;
  /** What the ship step put on the device: one image, or one per Compose service with build:. */
  shipped: ShippedImage[];
  /** The device's probe (its runtime, and which Compose it has). */
  probe: Pick<ProbeResult, 'runtime' | 'compose'>;
  /** The Compose project name (the build step's), which prefixes each built service's image. */
  project?: string;
  /** An explicit pier.json (the CLI's --config). */
  configPath?: string;
  workspaceRoot?: string;
}

/** True when the outcome leaves the requested version running (deployed now or already). */
export function deploySucceeded(o: RunOutcome): boolean {
  return o.status === 'deployed' || o.status === 'unchanged';
}

/**
 * The app name a deploy uses for a Dockerfile or Compose file: pier.json's `name`, else the
 * Compose project name, else the folder's name. Reading it also checks pier.json, so a bad file
 * stops the deploy before anything is built.
 */
export function deployAppName(kind: 'dockerfile' | 'compose', file: string, o: { configPath?: string; workspaceRoot?: string; project?: string } = {}): string {
  return appRepository(runConfigFor(kind, file, o).name);
}

/** The run options for a deploy of `file` (defaults filled in; Compose files and .env found). */
export function runConfigFor(kind: 'dockerfile' | 'compose', file: string, o: { configPath?: string; workspaceRoot?: string; project?: string } = {}): RunConfig {
  const c = loadRunConfig({ file, configPath: o.configPath, workspaceRoot: o.workspaceRoot, fallbackName: kind === 'compose' ? o.project : undefined });
  if (kind !== 'compose') return c;
  const files = c.compose?.files.length ? c.compose.files : [resolve(file)];
  const dotEnv = join(dirname(resolve(file)), '.env');
  return { ...c, compose: { files, envFile: c.compose?.envFile ?? (existsSync(dotEnv) ? dotEnv : undefined) } };
}

/** Run the shipped version(s) on the device with health check and rollback. */
export async function runDeployStep(t: RunTarget, req: DeployStepRequest): Promise<RunOutcome> {
  if (!req.shipped.length) throw new Error('nothing was shipped, so there is nothing to start');
  if (req.kind === 'dockerfile') {
    const config = runConfigFor('dockerfile', req.file, req);
    // The container is named after the image the ship step made, whatever named it.
    return deployContainer(t, { ...config, name: req.shipped[0].app }, req.shipped[0].version);
  }
  const project = req.project ?? basename(dirname(resolve(req.file)));
  const config = runConfigFor('compose', req.file, { ...req, project });
  const kind = composeKind(t.conn.target.name, req.probe);
  // Each built service runs the image the ship step made for it, named `<project>-<service>`.
  const images: Record<string, string> = {};
  for (const service of builtServices(config.compose!.files.map((f) => readFileSync(f, 'utf8')))) {
    const s = req.shipped.find((x) => x.app === appRepository(`${project}-${service}`));
    // A service not built this time (a deploy of one service) keeps the image it runs now.
    const running = s ? undefined : await runningImage(t, appRepository(config.name), service);
    if (s || running) images[service] = s?.tag ?? running!;
  }
  const rel = releaseFromFiles(config.compose!.files, config.compose!.envFile, images);
  return deployCompose(t, config, kind, rel);
}


/** The image the project's container for `service` runs now, if any. */
async function runningImage(t: RunTarget, project: string, service: string): Promise<string | undefined> {
  const ids = (await rt(t.conn, t.runtime, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`], t.signal)).stdout.split('\n').filter(Boolean);
  if (!ids.length) return undefined;
  // The name it was created with (`ps` shows an image ID when the image has several names).
  const r = await rt(t.conn, t.runtime, ['inspect', '-f', '{{.Config.Image}}', ids[0]], t.signal);
  return r.stdout.split('\n').map((l) => l.trim()).find(Boolean);
}
