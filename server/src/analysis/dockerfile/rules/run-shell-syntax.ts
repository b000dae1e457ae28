import { defineRule } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { posixShell } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'run-shell-syntax',
  meta: {
    category: 'correctness',
    severity: 'warning',
    fixable: false,
    docs: 'The builder accepts any RUN text, but a shell syntax error fails the build only after the slow steps before it have run (under emulation, minutes later).',
  },
  check(ctx) {
    for (const run of ctx.runs) {
      const err = run.shell.error;
      if (!err || run.exec || !posixShell(ctx, run.stage) || foreignHeredoc(ctx, run)) continue;
      ctx.report({ range: err.range, message: `Shell syntax error in RUN: ${err.message}; the build will fail when it reaches this step.` });
    }
  },
});

/** A heredoc RUN whose body starts with a `#!` line for another interpreter (python, node...) is not shell. */
function foreignHeredoc(ctx: DockerfileContext, run: RunInfo): boolean {
  const r = run.instruction.getArgumentsRange();
  if (!r) return false;
  const m = /<<-?(["']?)[A-Za-z_][A-Za-z0-9_]*\1[^\n]*\n[ \t]*#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(ctx.textOf(run.instruction.getRange()));
  if (!m) return false;
  const exe = m[2].endsWith('/env') && m[3] ? m[3] : m[2];
  return !/(^|\/)(ba|da|a|k|z)?sh$/.test(exe);
}
