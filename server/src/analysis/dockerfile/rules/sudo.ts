import { defineRule, type Fix, type TextEdit } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import type { ShellCommand } from '../shell';
import { insertAt } from '../helpers';
import { baseUser, isRootSpec, userInEffect } from '../security-helpers';

/** sudo options that change nothing when the caller is already root. */
const HARMLESS = new Set(['-E', '-H', '-n', '-S', '-k', '-P', '--preserve-env', '--set-home', '--non-interactive', '--stdin', '--reset-timestamp', '--']);
/** sudo options that take a value as the next word. */
const VALUED = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U', '--user', '--group', '--prompt', '--chdir']);

export default defineRule<DockerfileContext>({
  id: 'sudo',
  meta: {
    category: 'security',
    severity: 'warning',
    hadolint: 'DL3004',
    fixable: true,
    docs: 'A RUN already runs as root or as the USER you chose; sudo only adds a setuid-root binary to the image and hides which steps need root.',
  },
  check(ctx) {
    for (const run of ctx.runs) {
      if (run.exec?.length) {
        if (run.exec[0].replace(/^.*\//, '') === 'sudo') {
          ctx.report({ range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(), message: message(ctx, run) });
        }
        continue;
      }
      const sudos = run.shell.commands.filter((c) => c.name === 'sudo');
      if (!sudos.length) continue;
      const fix = fixFor(ctx, run, sudos);
      for (const c of sudos) ctx.report({ range: c.args[0].range, message: message(ctx, run), fixes: fix ? [fix] : undefined });
    }
  },
});

function message(ctx: DockerfileContext, run: RunInfo): string {
  const u = userInEffect(ctx, run.stage, run.instruction);
  let who = 'as root already';
  if (u.inst && (!u.known || !isRootSpec(u.spec ?? ''))) who = `as ${u.spec}; switch with USER root around the steps that need it`;
  else if (!u.inst && baseUser(ctx, run.stage) !== 'root') who = "as the base image's user; if that is not root, put USER root before the steps that need it";
  return `sudo in a RUN hides which steps need root and leaves a setuid-root binary in the image; this RUN runs ${who}.`;
}

/** The edit that drops `sudo [options]` from a command, or undefined when its options matter. */
function removeSudo(c: ShellCommand): TextEdit | undefined {
  let i = 1;
  while (i < c.args.length && c.args[i].value.startsWith('-')) {
    const v = c.args[i].value;
    const [name, inline] = v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, undefined];
    if (name === '-u' || name === '--user') {
      // Only `-u root` keeps the meaning once sudo is gone.
      const who = inline ?? c.args[i + 1]?.value;
      if (who !== 'root' && who !== '#0') return undefined;
      i += inline === undefined ? 2 : 1;
      continue;
    }
    if (VALUED.has(name) || !HARMLESS.has(name)) return undefined;
    i++;
    if (name === '--') break;
  }
  if (i >= c.args.length) return undefined;
  return { range: { start: c.args[0].range.start, end: c.args[i].range.start }, newText: '' };
}

/**
 * Remove every sudo of the RUN. As root that is all; under a known non-root USER the RUN is
 * wrapped in `USER root` ... `USER <user>` so later steps keep running as that user.
 */
function fixFor(ctx: DockerfileContext, run: RunInfo, sudos: ShellCommand[]): Fix | undefined {
  const edits: TextEdit[] = [];
  for (const c of sudos) {
    const e = removeSudo(c);
    if (!e) return undefined;
    edits.push(e);
  }
  const u = userInEffect(ctx, run.stage, run.instruction);
  if (!u.known) return undefined;
  const asRoot = u.inst ? isRootSpec(u.spec ?? '') : baseUser(ctx, run.stage) === 'root';
  if (asRoot) return { title: 'Remove sudo (this RUN runs as root)', edits };
  if (!u.inst) return undefined; // The base image's user is unknown, so there is nothing to switch back to.
  const r = run.instruction.getRange();
  const spec = u.inst.getArgumentsContent()?.trim() ?? u.spec!;
  edits.push(insertAt({ line: r.start.line, character: 0 }, 'USER root\n'), insertAt(r.end, `\nUSER ${spec}`));
  return { title: `Run this step as root with USER root instead of sudo, then back to ${spec}`, edits };
}
