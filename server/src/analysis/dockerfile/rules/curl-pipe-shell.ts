import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { unwrap, type ShellCommand } from '../shell';

const DOWNLOADERS = new Set(['curl', 'wget']);
/** Shells and interpreters that run a program read from stdin or from a file argument. */
const INTERPRETER = /^(sh|bash|zsh|dash|ash|ksh|mksh|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*)$/;
/** Builtins that run text as shell code. */
const EVALUATORS = new Set(['eval', 'source', '.']);

export default defineRule<DockerfileContext>({
  id: 'curl-pipe-shell',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'Piping a download into a shell runs whatever the server sends that day, unverified, with root rights in the build.',
  },
  check(ctx) {
    for (const run of ctx.runs) {
      const shell = run.shell;
      const downloads = shell.commands.filter((c) => DOWNLOADERS.has(unwrap(c).name));
      if (!downloads.length) continue;
      const reported = new Set<ShellCommand>();
      // `curl ... | sh`: the downloaded text becomes the interpreter's program on stdin.
      for (const pipe of shell.pipes) {
        const dl = pipe.left.find((c) => downloads.includes(c));
        const sh = pipe.right.find((c) => readsProgramFromStdin(unwrap(c)));
        if (!dl || !sh || reported.has(sh)) continue;
        reported.add(sh);
        ctx.report({
          range: { start: dl.range.start, end: sh.range.end },
          message: `${unwrap(dl).name} piped into ${unwrap(sh).name} runs whatever the server returns, unchecked; download to a file, verify its checksum, then run it.`,
        });
      }
      // `sh -c "$(curl ...)"`, `bash <(curl ...)`, `eval "$(wget -qO- ...)"`.
      for (const c of shell.commands) {
        const cmd = unwrap(c);
        const code = programWords(cmd);
        const dl = downloads.find((d) => d !== c && code.some((w) => d.start >= w.start && d.end <= w.end));
        if (!dl || reported.has(c)) continue;
        reported.add(c);
        ctx.report({
          range: cmd.range,
          message: `${cmd.name} runs the output of ${unwrap(dl).name} as code, unchecked; download to a file, verify its checksum, then run it.`,
        });
      }
    }
  },
});

/** The position of the program argument: after `-c`/`-e`, else the first non-flag word. */
function programIndex(cmd: ShellCommand): number | undefined {
  const args = cmd.args;
  for (let i = 1; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-c' || v === '-e' || v === '-E' || v === '-r') return i + 1 < args.length ? i + 1 : undefined;
    if (v === '-m') return undefined; // python -m module: the program is a module, stdin is data
    if (v === '-s' && /sh$/.test(cmd.name)) return undefined; // `sh -s args`: the program comes from stdin
    if (v === '--') return i + 1 < args.length ? i + 1 : undefined;
    if (v === '-' || !v.startsWith('-')) return i;
  }
  return undefined;
}

/** True when an interpreter takes its program from stdin (`sh`, `bash -s -- args`, `python3 -`). */
function readsProgramFromStdin(cmd: ShellCommand): boolean {
  if (!INTERPRETER.test(cmd.name)) return false;
  const i = programIndex(cmd);
  return i === undefined ? !cmd.args.some((a) => a.value === '-m' || a.value === '-c' || a.value === '-e' || a.value === '-E' || a.value === '-r') : cmd.args[i].value === '-';
}

/** Words of a command whose text is run as code. */
function programWords(cmd: ShellCommand): ShellCommand['args'] {
  if (EVALUATORS.has(cmd.name)) return cmd.args.slice(1);
  if (!INTERPRETER.test(cmd.name)) return [];
  const i = programIndex(cmd);
  return i === undefined ? [] : [cmd.args[i]];
}
