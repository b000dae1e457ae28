// The runtime's `create` arguments for an app's container, made from its run options. Every value
// stays one argument (the SSH layer quotes them); labels record what Pier needs to know later:
// which app and version a container is, and a digest of the options it was made with.

import { createHash } from 'node:crypto';
import type { RunConfig } from './types';

/** Labels Pier puts on the containers it runs. */
export const LABELS = { app: 'dev.pier.app', version: 'dev.pier.version', config: 'dev.pier.config' } as const;

/** Name of the app's container while it is being tried, and of the old one while it waits. */
export function containerNames(app: string): { current: string; next: string; prev: string } {
  return { current: app, next: `${app}-pier-next`, prev: `${app}-pier-prev` };
}

/** A digest of the options that shape the container, so an unchanged redeploy is recognised. */
export function configDigest(c: RunConfig): string {
  const shape = [c.ports, c.env, c.volumes, c.devices, c.restart, c.memory, c.cpus, c.logs, c.privileged, c.network, c.user, c.command];
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/**
 * Arguments after `<runtime> create --name NAME` for one version of the app: options first, then
 * the image and the command. Kept on the device with the version, so a rollback recreates the
 * old container exactly as it was.
 */
export function createArgs(c: RunConfig, app: string, version: string, image: string): string[] {
  const a: string[] = [];
  a.push('--label', `${LABELS.app}=${app}`, '--label', `${LABELS.version}=${version}`, '--label', `${LABELS.config}=${configDigest(c)}`);
  a.push('--restart', c.restart);
  a.push('--log-driver', 'json-file', '--log-opt', `max-size=${c.logs.maxSize}`, '--log-opt', `max-file=${c.logs.maxFile}`);
  for (const p of c.ports) a.push('--publish', p);
  for (const [k, v] of Object.entries(c.env).sort(([x], [y]) => x.localeCompare(y))) a.push('--env', `${k}=${v}`);
  for (const v of c.volumes) a.push('--volume', v);
  for (const d of c.devices) a.push('--device', d);
  if (c.memory) a.push('--memory', c.memory);
  if (c.cpus !== undefined) a.push('--cpus', String(c.cpus));
  if (c.privileged) a.push('--privileged');
  if (c.network) a.push('--network', c.network);
  if (c.user) a.push('--user', c.user);
  a.push(image);
  if (c.command) a.push(...c.command);
  return a;
}

/** Whether old and new cannot run side by side: both would bind the same host ports or devices. */
export function mustStopFirst(c: RunConfig): boolean {
  if (c.replace === 'stop-first') return true;
  if (c.replace === 'parallel') return false;
  return c.ports.length > 0 || c.devices.length > 0 || c.network === 'host';
}
