// `pier rollback --device NAME APP`: put back the version (or Compose release) of APP that ran well
// before the current one, verify it is healthy again, and say what happened.

import type { CliCommand } from './command';
import { parseDeviceCommand, withRunDevice } from './ps';
import { deploySucceeded } from '../edge/run/deploy-step';
import { rollbackApp } from '../edge/run/rollback-app';

const HELP = `usage: pier rollback --device NAME APP [--json]

Rolls APP (a container or Compose app Pier deployed) back to the version that ran well before the
current one: it starts beside (or in place of) the current one, must be healthy again, and is
kept. Exit status 0 when the earlier version runs and is healthy, 1 otherwise.
`;

/** `pier rollback` */
export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'put the previous version of an app back on a device (pier rollback --device NAME APP)',
  async run(argv) {
    const parsed = parseDeviceCommand(argv, HELP);
    if (typeof parsed === 'number') return parsed;
    const { values, target } = parsed;
    const say = (l: string) => void process.stderr.write(`pier rollback: ${l}\n`);
    const out = await withRunDevice(values.device, values, ({ conn, probe, signal }) => rollbackApp({ conn, runtime: probe.runtime!, signal, onEvent: (e) => void (e.phase !== 'done' && say(e.message)) }, target, probe));
    if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    say(out.summary);
    return deploySucceeded(out) ? 0 : 1;
  },
};
