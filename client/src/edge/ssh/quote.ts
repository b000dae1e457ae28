// The one place where remote shell text is made. Every command Pier sends to a device is an
// argument array turned into POSIX shell words here, so no user value (container name, image,
// env value, path) is ever read by the device's shell as syntax.

/** Characters that a POSIX shell never treats specially inside a word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one argument as a single POSIX shell word; NUL cannot travel in argv, so it throws. */
export function quoteArg(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`remote command argument must be a string, got ${typeof value}`);
  if (value.includes('\0')) throw new TypeError('remote command argument contains a NUL byte, which no program can receive');
  if (value !== '' && SAFE.test(value)) return value;
  // Inside single quotes nothing is special; a single quote ends the quoting, is escaped, and
  // quoting starts again.
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Build the command line for a program and its arguments (`argv[0]` is the program). */
export function buildCommand(argv: readonly string[]): string {
  if (!argv.length) throw new TypeError('remote command needs at least a program name');
  return argv.map(quoteArg).join(' ');
}

/**
 * Build a command that runs a fixed script written by Pier with `sh -c`, passing user values
 * only as positional parameters (`$1`, `$2`, ...). The script must be a constant of Pier's
 * source; values never become part of it.
 */
export function buildScript(script: string, args: readonly string[] = []): string {
  return buildCommand(['sh', '-c', script, 'pier-sh', ...args]);
}

/** Build `env K=V ... argv`, so environment values reach the program without sshd's AcceptEnv. */
export function buildWithEnv(env: Readonly<Record<string, string>>, argv: readonly string[]): string {
  const pairs = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`invalid environment variable name: ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  });
  // `env --` is not understood by every busybox, so the program name is checked instead: it must
  // not look like an option or another assignment.
  if (pairs.length && argv.length && (argv[0].startsWith('-') || argv[0].includes('='))) {
    throw new TypeError(`invalid program name after env: ${JSON.stringify(argv[0])}`);
  }
  return buildCommand(pairs.length ? ['env', ...pairs, ...argv] : argv);
}
