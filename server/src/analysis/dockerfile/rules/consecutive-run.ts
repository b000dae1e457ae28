import { defineRule, type Fix } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { keywordRange } from '../helpers';
import { hasHeredoc, runCommands, shippedStages } from '../size-helpers';

/** Package managers: two RUNs of the same one fetch metadata twice and leave two layers of it. */
const MANAGERS: Record<string, string> = {
  'apt-get': 'apt', apt: 'apt', 'apt-mark': 'apt', apk: 'apk', dnf: 'dnf', microdnf: 'dnf', yum: 'yum', zypper: 'zypper',
};
/** File and account housekeeping: steps too small to be worth a layer (and a cache entry) each. */
const FILE_STEPS = new Set(['mkdir', 'chmod', 'chown', 'chgrp', 'ln', 'rm', 'cp', 'mv', 'touch', 'useradd', 'groupadd', 'adduser', 'addgroup', 'usermod']);

/**
 * What a RUN is, when it is one plain kind of step: `pkg:<manager>` for package-manager commands
 * (with `rm` cleanup and `set`), `files` for housekeeping. Undefined for anything else, including
 * control flow, redirections, comments and flags, which are reasons people keep RUNs apart.
 */
function kindOf(ctx: DockerfileContext, run: RunInfo): string | undefined {
  if (run.exec || run.flags.size || run.shell.error || !run.shell.commands.length || hasHeredoc(ctx, run)) return undefined;
  if (residue(ctx, run).replace(/&&|\|\||;/g, '').trim() !== '') return undefined;
  const cmds = runCommands(run).filter((c) => c.name !== 'set');
  if (!cmds.length) return undefined;
  const managers = new Set(cmds.filter((c) => MANAGERS[c.name]).map((c) => MANAGERS[c.name]));
  if (managers.size === 1 && cmds.every((c) => MANAGERS[c.name] || c.name === 'rm')) return `pkg:${[...managers][0]}`;
  if (!managers.size && cmds.every((c) => FILE_STEPS.has(c.name))) return 'files';
  return undefined;
}

/** The script with every command blanked out: what is left is operators, control flow, redirections. */
function residue(ctx: DockerfileContext, run: RunInfo): string {
  const start = ctx.lines.offsetAt(run.instruction.getArgumentsRange()?.start ?? run.instruction.getRange().end);
  const end = ctx.lines.offsetAt(run.instruction.getRange().end);
  const chars = ctx.text.slice(start, end).split('');
  for (const c of run.shell.commands) for (let i = Math.max(c.start, start); i < Math.min(c.end, end); i++) chars[i - start] = ' ';
  return chars.join('').replace(/\\\r?\n/g, ' ');
}

/**
 * Merge `next` into `prev` with `&&`. Offered only when that keeps failures failing: `next` must be
 * a plain `&&` chain (a `;` or `||` in it could run on after a failure of `prev`).
 */
function mergeFix(ctx: DockerfileContext, prev: RunInfo, next: RunInfo): Fix | undefined {
  if (/;|\|\|/.test(residue(ctx, next))) return undefined;
  const prevStart = ctx.lines.offsetAt(prev.instruction.getRange().start);
  const prevEnd = ctx.lines.offsetAt(prev.instruction.getRange().end);
  // Drop a trailing `;` (and the continuations around it) so the join reads `... && next`.
  const cut = prevStart + ctx.text.slice(prevStart, prevEnd).replace(/(?:\s|\\\r?\n)*;?(?:\s|\\\r?\n)*$/, '').length;
  const nextStart = ctx.lines.offsetAt(next.instruction.getArgumentsRange()!.start);
  return {
    title: 'Merge into the RUN above',
    edits: [{ range: ctx.lines.range(cut, nextStart), newText: ' \\\n    && ' }],
  };
}

export default defineRule<DockerfileContext>({
  id: 'consecutive-run',
  meta: {
    category: 'size',
    severity: 'info',
    hadolint: 'DL3059',
    fixable: true,
    docs: 'Each RUN is a layer the device downloads and unpacks; two plain steps of the same kind in a row are cheaper as one.',
  },
  check(ctx) {
    for (const stage of shippedStages(ctx)) {
      const insts = stage.instructions;
      for (let i = 1; i < insts.length; i++) {
        if (insts[i - 1].getKeyword() !== 'RUN' || insts[i].getKeyword() !== 'RUN') continue;
        const prev = stage.runs.find((r) => r.instruction === insts[i - 1])!;
        const next = stage.runs.find((r) => r.instruction === insts[i])!;
        // A comment between them usually says why they are apart.
        if (ctx.text.slice(ctx.lines.offsetAt(prev.instruction.getRange().end), ctx.lines.offsetAt(next.instruction.getRange().start)).trim() !== '') continue;
        const kind = kindOf(ctx, prev);
        if (!kind || kind !== kindOf(ctx, next)) continue;
        const fix = mergeFix(ctx, prev, next);
        ctx.report({
          range: keywordRange(next.instruction),
          message: kind === 'files'
            ? 'This RUN only does file housekeeping like the one before it; merge them so the image has one layer less to download and unpack.'
            : `This RUN uses ${kind.slice(4)} like the one before it; merged, the package metadata is fetched once and the device pulls one layer less.`,
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
});
