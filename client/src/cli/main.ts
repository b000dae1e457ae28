// The `pier` command line: the same analysis and deploy as the extension, for CI and scripts.

import { commands } from './commands';

/** Run the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`pier: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    process.stderr.write(`pier ${name}: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

declare const PIER_VERSION: string | undefined;
const VERSION = typeof PIER_VERSION === 'string' ? PIER_VERSION : '0.1.0';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `usage: pier <command> [options]\n\ncommands:\n${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun 'pier <command> --help' for a command's options.\n`;
}

if (require.main === module) {
  const ac = new AbortController();
  process.on('SIGINT', () => ac.abort());
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`pier: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
