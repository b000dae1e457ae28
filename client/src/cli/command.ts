// The shape of one CLI command; the table in commands.ts lists them all.

/** A `pier` subcommand. */
export interface CliCommand {
  name: string;
  summary: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
