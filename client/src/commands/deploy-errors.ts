// What a failed deploy tells the person, and the one or two things they can do next. Pure (no
// vscode import) so the mapping is tested in plain Node: every kind of failure ends in an action.

import { isDeviceError } from '../edge/ssh/errors';

/** The steps of a deploy, in order. */
export const DEPLOY_PHASES = ['probe', 'build', 'ship', 'run', 'logs'] as const;
/** One step of a deploy. */
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

/** A button on the error message: a command and its arguments. */
export interface NextAction {
  title: string;
  command: string;
  args: unknown[];
}

/** The message and the next actions for an error thrown during `phase`. */
export function deployFailure(e: unknown, phase: DeployPhase, device: string): { message: string; actions: NextAction[]; cancelled: boolean } {
  const text = (e as Error)?.message ?? String(e);
  const where = `Pier: deploy to ${device} failed while ${phaseVerb[phase]}`;
  const log: NextAction = { title: phase === 'build' ? 'View Build Log' : 'View Deploy Log', command: 'pier.showDeployLog', args: [] };
  const doctor: NextAction = { title: 'Open Doctor', command: 'pier.runDeviceDoctor', args: [{ kind: 'device', name: device }] };
  if ((e as Error)?.name === 'AbortError' || (isDeviceError(e) && e.kind === 'aborted')) {
    return { message: `Pier: deploy to ${device} cancelled while ${phaseVerb[phase]}; the device keeps what it ran before.`, actions: [log], cancelled: true };
  }
  if (isDeviceError(e)) {
    switch (e.kind) {
      case 'host-key-changed':
        return { message: `${where}: ${text}`, actions: [{ title: 'Fix Host Key', command: 'pier.fixHostKey', args: [device] }, log], cancelled: false };
      case 'host-key-unknown':
        return { message: `${where}: ${text}`, actions: [{ title: 'Trust Host Key', command: 'pier.testDeviceConnection', args: [{ kind: 'device', name: device }] }], cancelled: false };
      case 'auth':
      case 'unreachable':
      case 'timeout':
      case 'connection-lost':
      case 'runtime-missing':
      case 'permission-denied':
        return { message: `${where}: ${text}`, actions: [doctor, log], cancelled: false };
      default:
        break;
    }
  }
  if (phase === 'build') return { message: `${where}: ${text}`, actions: [log], cancelled: false };
  // The device already put the previous version back by itself: there is nothing to roll back.
  const outcome = (e as { outcome?: { status?: string; app?: string } })?.outcome;
  const status = outcome?.status;
  const app = outcome?.app;
  if ((e as Error)?.name === 'RunFailedError' && (status === 'rolled-back' || (!status && /rolled back|previous version/i.test(text)))) return { message: `${where}: ${text}`, actions: [log], cancelled: false };
  // The new version failed its start or health check with nothing put back, or the link broke
  // while it started: rolling back to the last version that ran well is the next thing to try
  // (the command asks which app when the error does not say).
  if (phase === 'run') return { message: `${where}: ${text}`, actions: [{ title: 'Roll Back', command: 'pier.rollback', args: app ? [{ kind: 'device', name: device }, app] : [{ kind: 'device', name: device }] }, log], cancelled: false };
  if (phase === 'ship' || phase === 'probe') return { message: `${where}: ${text}`, actions: [log, doctor], cancelled: false };
  return { message: `${where}: ${text}`, actions: [log], cancelled: false };
}

const phaseVerb: Record<DeployPhase, string> = {
  probe: 'checking the device',
  build: 'building the image',
  ship: 'sending the image',
  run: 'starting the app',
  logs: 'opening its logs',
};
