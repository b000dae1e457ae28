// The host's side of a switch: start the device-side switch script detached, then follow its log
// over the link. When the link drops, the device carries on alone; the host says so, waits for the
// connection to come back (the SSH layer reconnects by itself) and resumes reading at the exact
// byte it had reached, so the person still learns how the switch ended.

import { randomBytes } from 'node:crypto';
import type { SshConnection } from '../ssh/connection';
import { DeviceError } from '../ssh/errors';
import { deviceShell } from '../ship/device-shell';
import { isLinkError } from '../ship/transfer-pull';
import { appPaths } from './device-state';
import { FOLLOW_SCRIPT, LAUNCH_SCRIPT } from './device-scripts';
import type { RunListener, RunPhase } from './types';

/** How a switch ended on the device. */
export interface SwitchResult {
  status: 'ok' | 'rolled-back' | 'rollback-unhealthy' | 'failed' | 'lost';
  exitCode?: number;
  reason: string;
  tx: string;
  /** Lines of the failing container's log (last 100), when it failed. */
  logs?: string;
  /** Whether the link dropped while the switch ran. */
  linkDropped: boolean;
}

/** Options of `runSwitch`. */
export interface SwitchOptions {
  app: string;
  stateDir: string;
  /** The switch script and its arguments, given the switch's id. */
  argv: (tx: string) => string[];
  onEvent: RunListener;
  signal?: AbortSignal;
  /** How long to wait for a dropped link to come back before giving up on following (default 180 s). */
  reconnectWaitMs?: number;
  /** Called (and awaited) right before the switch is started on the device. */
  beforeLaunch?(): Promise<void> | void;
}

/** A fresh switch id (also the name of its log on the device). */
export function newSwitchId(): string {
  return `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

/** Start the switch on the device and follow it to its end. */
export async function runSwitch(conn: SshConnection, o: SwitchOptions): Promise<SwitchResult> {
  const tx = newSwitchId();
  const paths = appPaths(o.app, o.stateDir);
  const log = paths.switchLog(tx);
  const device = conn.target.name;
  let linkDropped = false;
  let phase: RunPhase = 'start';
  const waitForLink = async (during: string) => {
    linkDropped = true;
    await o.onEvent({ phase, level: 'warning', message: `lost the link to ${device} ${during}; the device carries on by itself (it keeps the new version only if it passes, else puts the previous one back). Waiting for ${device} to come back...` });
    await reconnect(conn, o.reconnectWaitMs ?? 180_000, o.signal);
    await o.onEvent({ phase, message: `${device} is back; reading how the switch went` });
  };

  await o.beforeLaunch?.();
  let pid: string | undefined;
  for (;;) {
    try {
      pid ??= await launch(conn, log, o.argv(tx), o.signal);
      break;
    } catch (e) {
      if (!isLinkError(e)) throw e;
      await waitForLink('as the switch was being started');
      // The start may have reached the device before the link went: its log says so.
      pid = await findLaunched(conn, log, o.signal);
    }
  }

  let offset = 0;
  let result: SwitchResult | undefined;
  const onLine = (line: string) => {
    offset += Buffer.byteLength(line, 'utf8') + 1;
    if (!line.startsWith('@@')) return;
    const [word, ...rest] = line.slice(2).split(' ');
    if (word === 'phase') {
      phase = (rest[0] as RunPhase) ?? phase;
      void o.onEvent({ phase, message: phaseMessage(phase, device) });
    } else if (word === 'say') void o.onEvent({ phase, message: rest.join(' ') });
    else if (word === 'wait') void o.onEvent({ phase: 'health', message: `waiting: ${rest.join(' ')}` });
    else if (word === 'result') {
      const [status, code, ...why] = rest;
      result = { status: status as SwitchResult['status'], exitCode: /^-?\d+$/.test(code ?? '') ? Number(code) : undefined, reason: why.join(' '), tx, linkDropped };
    } else if (word === 'lost' && !result) result = { status: 'lost', reason: 'the switch stopped on the device without saying how it ended', tx, linkDropped };
  };
  while (!result) {
    try {
      // In the connection's device shell: streamed line by line, no new session per switch.
      const r = await deviceShell(conn).run(['sh', '-c', FOLLOW_SCRIPT, 'pier-sh', log, String(offset), pid!], { signal: o.signal, onLine });
      if (!result) throw new DeviceError('command-failed', device, `following the switch on ${device} ended without a result (exit ${r.code}${r.stderr ? `: ${r.stderr.trim()}` : ''})`);
    } catch (e) {
      if (!isLinkError(e)) throw e;
      await waitForLink((phase as RunPhase) === 'health' ? 'during the health wait' : `during the ${phase} step`);
    }
  }
  result.linkDropped = linkDropped;
  if (result.status !== 'ok') {
    const r = await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null; cat "$1"', 'pier-sh', paths.failedLog(tx)], { signal: o.signal }).catch(() => undefined);
    if (r?.code === 0) result.logs = r.stdout;
  }
  return result;
}

function phaseMessage(p: RunPhase, device: string): string {
  if (p === 'start') return `starting the new version on ${device}`;
  if (p === 'health') return 'waiting for the new version to be healthy';
  if (p === 'rollback') return `the new version failed; putting the previous one back on ${device}`;
  return p;
}

async function launch(conn: SshConnection, log: string, argv: string[], signal?: AbortSignal): Promise<string> {
  const r = await deviceShell(conn).run(['sh', '-c', LAUNCH_SCRIPT, 'pier-sh', log, ...argv], { signal });
  const pid = /@@pid (\d+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || !pid) throw new DeviceError('command-failed', conn.target.name, `could not start the switch on ${conn.target.name}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return pid;
}

/** After a drop during the start: the PID of a switch that did start (the launcher records it), else undefined. */
async function findLaunched(conn: SshConnection, log: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await deviceShell(conn).run(['sh', '-c', 'cd "$HOME" 2>/dev/null || cd /; cat "$1" 2>/dev/null', 'pier-sh', `${log}.pid`], { signal });
  const pid = r.stdout.trim();
  return /^\d+$/.test(pid) ? pid : undefined;
}

/** Wait until the connection is up again, for at most `ms`. */
async function reconnect(conn: SshConnection, ms: number, signal?: AbortSignal): Promise<void> {
  const limit = AbortSignal.timeout(ms);
  const both = signal ? AbortSignal.any([signal, limit]) : limit;
  for (;;) {
    try {
      await conn.connect(both);
      return;
    } catch (e) {
      if (signal?.aborted) throw e;
      if (limit.aborted) throw new DeviceError('timeout', conn.target.name, `${conn.target.name} did not come back within ${Math.round(ms / 1000)} s. The switch goes on on the device by itself; run 'pier ps --device ${conn.target.name}' later to see which version runs.`, { cause: e });
      // A failed state (after the reconnect attempts ran out) is retried by connect() itself.
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
