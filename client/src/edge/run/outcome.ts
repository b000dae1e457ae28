// Turning a switch's result into what the person reads: which version runs now, what failed and
// why, the failing container's exit code and last log lines, and whether the link dropped on the way.

import type { SwitchResult } from './switch';
import type { RunOutcome, RunPhase } from './types';

/** The outcome of a switch from `oldVersion` to `version` on `device`. */
export function describeOutcome(device: string, app: string, version: string, oldVersion: string | undefined, r: SwitchResult, timings: Partial<Record<RunPhase, number>>): RunOutcome {
  const link = r.linkDropped ? ` The link to ${device} dropped while this ran; the device finished on its own.` : '';
  const failure = r.status === 'ok' ? undefined : { reason: r.reason, exitCode: r.exitCode, logs: r.logs ?? '' };
  const lastLines = failure?.logs.trim() ? `\nLast lines of its log:\n${failure.logs.trimEnd()}` : '';
  const code = r.exitCode !== undefined ? ` (exit code ${r.exitCode})` : '';
  switch (r.status) {
    case 'ok':
      return { status: 'deployed', app, running: version, tried: version, timings, summary: `${app} ${version} runs on ${device} and is healthy${oldVersion && oldVersion !== version ? `; it replaced ${oldVersion}` : ''}.${link}` };
    case 'rolled-back':
      return { status: 'rolled-back', app, running: oldVersion, tried: version, timings, failure, summary: `${app} ${version} failed on ${device}: ${r.reason}${code}. Rolled back: ${oldVersion ?? 'the previous version'} runs again and is healthy.${link}${lastLines}` };
    case 'rollback-unhealthy':
      return { status: 'failed', app, running: oldVersion, tried: version, timings, failure, summary: `${app} ${version} failed on ${device}: ${r.reason}${code}. ${oldVersion ?? 'The previous version'} was put back but is not healthy either; look at it with 'pier ps --device ${device}'.${link}${lastLines}` };
    case 'failed':
      return { status: 'failed', app, running: undefined, tried: version, timings, failure, summary: `${app} ${version} failed on ${device}: ${r.reason}${code}. There was no earlier version to go back to, so nothing of ${app} runs now.${link}${lastLines}` };
    case 'lost':
      return { status: 'failed', app, running: undefined, tried: version, timings, failure, summary: `the switch of ${app} to ${version} on ${device} stopped without a result (${r.reason}); check with 'pier ps --device ${device}'; the next deploy puts right what it left.${link}` };
  }
}
