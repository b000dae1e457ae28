import { posix } from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { isWindowsStage } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'relative-workdir',
  meta: {
    category: 'correctness',
    severity: 'warning',
    hadolint: 'DL3000',
    fixable: true,
    docs: 'A relative WORKDIR depends on the base image\'s working directory, which can change under you; the app then starts in the wrong place.',
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      if (isWindowsStage(ctx, stage)) continue;
      for (const inst of stage.instructions) {
        if (inst.getKeyword() !== 'WORKDIR') continue;
        const range = inst.getArgumentsRange();
        const path = workdirValue(ctx, inst);
        if (!range || path === undefined || !isRelative(path)) continue;
        const base = knownWorkdirBefore(ctx, stage, inst);
        // Only offer the absolute path when the argument is plain text: rewriting `${DIR}` would drop the ARG.
        const plain = !/[$"']/.test(inst.getArgumentsContent() ?? '$');
        const abs = base === undefined || !plain ? undefined : posix.join(base, path);
        ctx.report({
          range,
          message: `WORKDIR '${path}' is relative, so it lands under whatever working directory ${base === undefined ? 'the base image sets' : `'${base}' is`}; write an absolute path.`,
          fixes: abs ? [{ title: `Use the absolute path ${abs}`, edits: [{ range, newText: abs }] }] : undefined,
        });
      }
    }
  },
});

/** The WORKDIR path after substitution and quote removal; undefined when unknown. */
function workdirValue(ctx: DockerfileContext, inst: Instruction): string | undefined {
  const raw = inst.getArgumentsContent();
  if (!raw) return undefined;
  const unquoted = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  return unquoted.includes('$') ? ctx.resolve(unquoted, inst).value : unquoted;
}

/** Relative for the builder: not absolute, and not starting with a variable we could not resolve. */
function isRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.startsWith('$');
}

/**
 * The absolute working directory in effect before `inst`, when this file decides it: the last
 * absolute WORKDIR of the stage's lineage, or `/` for a lineage that starts from scratch.
 */
function knownWorkdirBefore(ctx: DockerfileContext, stage: Stage, inst: Instruction): string | undefined {
  let dir: string | undefined = ctx.lineage(stage)[0].image.toLowerCase() === 'scratch' ? '/' : undefined;
  for (const s of ctx.lineage(stage)) {
    for (const i of s.instructions) {
      if (i === inst) return dir;
      if (i.getKeyword() !== 'WORKDIR') continue;
      const v = workdirValue(ctx, i);
      if (v === undefined || v.startsWith('$')) dir = undefined;
      else if (v.startsWith('/')) dir = posix.normalize(v);
      else dir = dir === undefined ? undefined : posix.join(dir, v);
    }
  }
  return dir;
}
