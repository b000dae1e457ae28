// `pier exec --device NAME CONTAINER [-- CMD...]`: run a command in a container on the device, or
// an interactive shell without one. With a terminal on both ends it gets a pty that follows the
// terminal's size; otherwise stdin, stdout and stderr are piped. Exits with the command's status.

import type { CliCommand } from './command';
import { parseDeviceCommand, withRunDevice } from './ps';
import { execInContainer, SHELL_ARGV } from '../edge/run/actions';

const HELP = `usage: pier exec --device NAME CONTAINER [-- CMD [ARG...]]

Runs CMD in the container on the device (an interactive shell, bash or sh, without CMD).
A terminal gets a pty that follows its size; pipes stay pipes. Exits with CMD's exit status.
`;

/** `pier exec` */
export const execCommand: CliCommand = {
  name: 'exec',
  summary: 'run a command or a shell in a container on a device (pier exec --device NAME CONTAINER -- CMD)',
  async run(argv) {
    const dash = argv.indexOf('--');
    const own = dash >= 0 ? argv.slice(0, dash) : argv;
    const cmd = dash >= 0 ? argv.slice(dash + 1) : [];
    const parsed = parseDeviceCommand(own, HELP);
    if (typeof parsed === 'number') return parsed;
    const { values, target } = parsed;
    const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
    return withRunDevice(values.device, values, async ({ conn, probe, signal }) => {
      const argv2 = cmd.length ? cmd : SHELL_ARGV;
      let code: number | null = null;
      const ch = await execInContainer(conn, probe.runtime!, target, argv2, {
        signal,
        pty: tty ? { rows: process.stdout.rows, cols: process.stdout.columns, term: process.env.TERM ?? 'xterm-256color' } : undefined,
        setup: (c) => {
          c.on('exit', (n: number | null) => (code = typeof n === 'number' ? n : null));
          // A channel error ends the session like a dropped link (close follows), never uncaught.
          c.on('error', (e: Error) => process.stderr.write(`pier exec: ${e.message}\n`));
        },
      });
      const onResize = () => ch.setWindow(process.stdout.rows, process.stdout.columns, 0, 0);
      if (tty) {
        process.stdin.setRawMode(true);
        process.stdout.on('resize', onResize);
      }
      process.stdin.pipe(ch);
      ch.pipe(process.stdout);
      ch.stderr.pipe(process.stderr);
      try {
        await new Promise<void>((resolve) => ch.once('close', () => resolve()));
      } finally {
        process.stdin.unpipe(ch);
        process.stdin.pause();
        if (tty) {
          process.stdin.setRawMode(false);
          process.stdout.off('resize', onResize);
        }
      }
      return code ?? 255;
    });
  },
};
