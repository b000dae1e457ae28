import type { Instruction } from 'dockerfile-ast';
import { defineRule, type Fix } from '../../engine/types';
import { blankContinuedComments, type DockerfileContext, type Stage } from '../context';
import { parseShell, type ShellCommand, type ShellScript } from '../shell';
import { posixShell } from '../edge-helpers';

// Builtins have no program file, so `["cd", ...]` cannot run in exec form.
const BUILTINS = new Set(['cd', '.', 'source', 'export', 'set', 'unset', 'ulimit', 'umask', 'trap', 'eval', 'read', 'alias', 'wait', 'exit', 'shift', 'readonly', 'local', 'return', 'type', 'hash', 'times']);

export default defineRule<DockerfileContext>({
  id: 'shell-form-cmd',
  meta: {
    category: 'edge',
    severity: 'warning',
    hadolint: 'DL3025',
    fixable: true,
    docs: 'In shell form /bin/sh is PID 1 and the app never sees SIGTERM: every stop or update on the device waits 10 s and then kills the app mid-write.',
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      if (!posixShell(ctx, stage)) continue;
      for (const inst of stage.instructions) {
        const kw = inst.getKeyword();
        if (kw !== 'CMD' && kw !== 'ENTRYPOINT') continue;
        const range = inst.getArgumentsRange();
        if (!range) continue;
        const text = ctx.textOf(range);
        // Exec form, or a broken JSON array (dockerfile-syntax reports single quotes), or a heredoc.
        if (/^\s*(\[|<<)/.test(text)) continue;
        const script = parseShell(blankContinuedComments(text), ctx.lines.offsetAt(range.start), ctx.lines);
        const last = lastTopLevel(script, ctx.lines.offsetAt(range.start) + text.trimEnd().length);
        // `CMD exec app` already replaces the shell with the app.
        if (last && last.name === 'exec' && last.assigns.length === 0) continue;
        ctx.report({
          range,
          message: `${kw} in shell form runs under /bin/sh -c, so SIGTERM from docker stop reaches the shell, not the app, and the device waits 10 s before killing it.`,
          fixes: fixFor(ctx, inst, stage, script, last, text),
        });
      }
    }
  },
});

/** The command that runs last at the top level of the script, if it ends the script (so `exec` can go before it). */
function lastTopLevel(script: ShellScript, end: number): ShellCommand | undefined {
  if (script.error || !script.commands.length) return undefined;
  const byEnd = [...script.commands].sort((a, b) => b.end - a.end || a.start - b.start);
  const last = byEnd[0];
  if (last.end !== end || !last.args.length) return undefined;
  if (script.pipes.some((p) => p.left.includes(last) || p.right.includes(last))) return undefined;
  return last;
}

/** Exec form when the script is one command of plain words; otherwise `exec` before its last command. */
function fixFor(ctx: DockerfileContext, inst: Instruction, stage: Stage, script: ShellScript, last: ShellCommand | undefined, text: string): Fix[] | undefined {
  if (!last || last.assigns.length || BUILTINS.has(last.name)) return undefined;
  const range = inst.getArgumentsRange()!;
  const start = ctx.lines.offsetAt(range.start);
  const single = script.commands.length === 1 && last.start === start + (text.length - text.trimStart().length);
  const plain = last.args.every((w) => w.literal && !/[\\*?[\]~]/.test(w.raw.replace(/'[^']*'|"[^"]*"/g, '')));
  if (single && plain && !(inst.getKeyword() === 'ENTRYPOINT' && cmdApplies(ctx, stage, inst))) {
    const json = `[${last.args.map((w) => JSON.stringify(w.value)).join(', ')}]`;
    return [{ title: `Use exec form: ${inst.getKeyword()} ${json}`, edits: [{ range, newText: json }] }];
  }
  return [{ title: `Prefix '${last.name}' with exec so it replaces the shell`, edits: [{ range: { start: last.args[0].range.start, end: last.args[0].range.start }, newText: 'exec ' }] }];
}

/**
 * True when a CMD would be appended to this ENTRYPOINT once it is in exec form: a CMD in the same
 * stage, or in a later stage built FROM it. In shell form that CMD is ignored, so converting would
 * change what runs; `exec` keeps the shell form and its meaning.
 */
function cmdApplies(ctx: DockerfileContext, stage: Stage, inst: Instruction): boolean {
  if (stage.instructions.some((i) => i !== inst && i.getKeyword() === 'CMD')) return true;
  return ctx.stages.some((s) => s !== stage && ctx.lineage(s).includes(stage) && s.instructions.some((i) => i.getKeyword() === 'CMD'));
}
