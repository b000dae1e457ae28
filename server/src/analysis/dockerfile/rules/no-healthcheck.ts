import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { imageRange, isWindowsStage, stageRefs } from '../edge-helpers';

// Setup scripts that base images copy next to their own programs; copying them is not shipping an app.
const SETUP_SCRIPT = /(^|\/)[^/]*(entrypoint[^/]*|\.(sh|bash|envsh))$/i;

export default defineRule<DockerfileContext>({
  id: 'no-healthcheck',
  meta: {
    category: 'edge',
    severity: 'info',
    fixable: false,
    docs: 'Without a HEALTHCHECK a hung app still looks "running": an unattended device keeps it hung, and a deploy cannot tell a good update from a bad one.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final || isWindowsStage(ctx, final)) return;
    const lineage = ctx.lineage(final);
    const insts = lineage.flatMap((s) => s.instructions);
    // Any HEALTHCHECK in the lineage counts, and `HEALTHCHECK NONE` is an explicit choice.
    if (insts.some((i) => i.getKeyword() === 'HEALTHCHECK')) return;
    const starts = insts.filter((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
    const exposes = insts.some((i) => i.getKeyword() === 'EXPOSE');
    // A base image (no start command, no port of its own) leaves health to the images built on it.
    if (!starts.length && !exposes) return;
    if (!shipsApp(ctx, lineage)) return;
    const at = starts[starts.length - 1];
    ctx.report({
      range: at ? at.getInstructionRange() : imageRange(final),
      message: 'This image runs an app but has no HEALTHCHECK, so a hung app still counts as running and the device keeps it that way; add HEALTHCHECK CMD <probe> (or HEALTHCHECK NONE to record that there is none).',
    });
  },
});

/** True when the lineage copies application files: from a stage of this file, or from the build context beyond setup scripts. */
function shipsApp(ctx: DockerfileContext, lineage: Stage[]): boolean {
  const fromStage = new Set(stageRefs(ctx).filter((r) => r.kind === 'copy' && r.target).map((r) => r.inst));
  for (const s of lineage) {
    for (const inst of s.instructions) {
      const kw = inst.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      if (fromStage.has(inst)) return true;
      if (ctx.flag(inst, 'from') !== undefined) continue; // files from another image
      if (sources(inst).some((src) => !SETUP_SCRIPT.test(src) && !src.startsWith('<<'))) return true;
    }
  }
  return false;
}

/** The source arguments of a COPY/ADD (all but the destination), shell or JSON form. */
function sources(inst: Instruction): string[] {
  const args = inst.getArguments().map((a) => a.getValue());
  if (args[0]?.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(args.join(' '));
      if (Array.isArray(arr)) return arr.slice(0, -1).map(String);
    } catch {
      /* not JSON after all: fall through to the words */
    }
  }
  return args.slice(0, -1);
}
