// What a parsed command's words say: its flags, its positional words, and the command a wrapper
// (sudo, env, timeout, gosu...) runs.

import type { ShellCommand, ShellWord } from './shell';

/** True when a command has any of the given flags (`-y`, `--no-cache`, combined short flags). */
export function hasFlag(cmd: ShellCommand, ...flags: string[]): boolean {
  for (const a of cmd.args.slice(1)) {
    const v = a.value;
    for (const f of flags) {
      if (v === f || v.startsWith(f + '=')) return true;
      if (f.length === 2 && f[0] === '-' && /^-[a-zA-Z]+$/.test(v) && v.includes(f[1])) return true;
    }
  }
  return false;
}

/** The words after the command name that are not flags. */
export function positionals(cmd: ShellCommand): ShellWord[] {
  return cmd.args.slice(1).filter((a) => !a.value.startsWith('-'));
}

/** The first positional word (a subcommand such as `install` in `apt-get install`). */
export function subcommand(cmd: ShellCommand): string | undefined {
  return positionals(cmd)[0]?.value;
}

/** Wrappers that run another command: `sudo apt-get`, `env X=1 pip`, `nice ...`. */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'command', 'exec', 'xargs', 'gosu', 'su-exec', 'chroot', 'stdbuf', 'timeout']);

/** Wrapper options whose value is the next word (`sudo -u user`, `xargs -I {}`, `nice -n 5`). */
const WRAPPER_VALUE_OPTIONS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout']),
  env: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  xargs: new Set(['-I', '-n', '-P', '-d', '-L', '-s', '-a', '-E', '--max-args', '--max-procs', '--delimiter', '--max-lines', '--max-chars', '--arg-file']),
  stdbuf: new Set(['-i', '-o', '-e', '--input', '--output', '--error']),
  timeout: new Set(['-s', '--signal', '-k', '--kill-after']),
};

/** Wrappers that take one operand before the command they run. */
const WRAPPER_OPERAND = new Set(['timeout', 'gosu', 'su-exec', 'chroot']);

/** The command a wrapper runs, as its own ShellCommand (or the command itself). */
export function unwrap(cmd: ShellCommand): ShellCommand {
  let c = cmd;
  for (let guard = 0; guard < 4 && WRAPPERS.has(c.name); guard++) {
    let i = 1;
    const valued = WRAPPER_VALUE_OPTIONS[c.name];
    while (i < c.args.length && (c.args[i].value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(c.args[i].value))) {
      // `sudo -u node yarn`: the option's value is not the command.
      if (valued?.has(c.args[i].value)) i++;
      i++;
    }
    // `timeout 5 cmd`, `gosu user cmd`, `su-exec user cmd`, `chroot /dir cmd`: one operand before the command.
    if (WRAPPER_OPERAND.has(c.name) && i < c.args.length) i++;
    if (i >= c.args.length) return c;
    const rest = c.args.slice(i);
    const n = rest[0].value;
    c = { ...c, name: n.slice(n.lastIndexOf('/') + 1), args: rest, start: rest[0].start, range: { start: rest[0].range.start, end: c.range.end } };
  }
  return c;
}
