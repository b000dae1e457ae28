// `pier rollback --device NAME APP`: put back the version (or Compose release) of APP that ran well
// before the current one, verify it is healthy again, and say what happened.

import { parseArgs } from 'node:util';
import type { CliCommand } from './command';
import { runCommandOptions, withRunDevice } from './ps';
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
    const { values, positionals } = parseArgs({ args: argv, options: runCommandOptions, allowPositionals: true });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.device || positionals.length !== 1) {
      process.stderr.write(HELP);
      return 2;
    }
    const say = (l: string) => void process.stderr.write(`pier rollback: ${l}\n`);
    const out = await withRunDevice(values.device, values, ({ conn, probe, signal }) => rollbackApp({ conn, runtime: probe.runtime!, signal, onEvent: (e) => void (e.phase !== 'done' && say(e.message)) }, positionals[0], probe));
    if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    say(out.summary);
    return deploySucceeded(out) ? 0 : 1;
  },
};
