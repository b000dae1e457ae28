import { defineRule } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { closestName, lineNo, stageDeps, stageRefs, type StageRef } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'unknown-stage',
  meta: {
    category: 'correctness',
    severity: 'error',
    hadolint: 'DL3022',
    fixable: false,
    docs: 'A --from that names no stage either stops the build or silently pulls an unrelated image from a registry into the device image.',
  },
  check(ctx) {
    const names = ctx.stages.map((s) => s.name).filter((n): n is string => Boolean(n));
    for (const ref of stageRefs(ctx)) {
      // A value that is no name at all (`--from=-x`) is a syntax error dockerfile-syntax reports.
      if (!ref.complete || !/^[a-z0-9]/i.test(ref.value)) continue;
      const what = ref.kind === 'copy' ? 'COPY --from' : 'RUN --mount from';
      const shown = ref.raw === ref.value ? `'${ref.value}'` : `'${ref.raw}' (= '${ref.value}')`;
      if (/^\d+$/.test(ref.value)) {
        const n = Number(ref.value);
        if (n >= ctx.stages.length) {
          ctx.report({
            range: ref.range,
            message: `${what}=${shown} is out of range: this file has ${ctx.stages.length} stage${ctx.stages.length === 1 ? '' : 's'} (indexes 0-${ctx.stages.length - 1}), so the builder rejects it.`,
          });
          continue;
        }
      }
      if (ref.target) {
        checkOrder(ctx, ref, ref.target, what, shown);
        continue;
      }
      // A registry, path, tag or digest makes it an image reference, which is a legitimate --from.
      if (/[/:@]/.test(ref.value)) continue;
      const guess = closestName(ref.value, names);
      ctx.report({
        range: ref.range,
        severity: 'warning',
        message: guess
          ? `${what}=${shown} is not a stage in this file, so the builder will pull an image of that name instead; did you mean '${guess}'?`
          : `${what}=${shown} is not a stage in this file, so the builder pulls the image '${ref.value}:latest'; if an image is meant, pin its tag to make that explicit.`,
      });
    }
  },
});

/** Self-references and cycles are rejected by the builder; a forward reference works only with BuildKit. */
function checkOrder(ctx: DockerfileContext, ref: StageRef, target: Stage, what: string, shown: string): void {
  if (target === ref.stage || dependsOn(ctx, target, ref.stage)) {
    ctx.report({
      range: ref.range,
      message:
        target === ref.stage
          ? `${what}=${shown} names the stage it is in; the builder rejects this as a circular dependency.`
          : `${what}=${shown} names a stage that itself depends on this one; the builder rejects this as a circular dependency.`,
      related: [{ message: 'the stage it names', range: target.from.getRange() }],
    });
    return;
  }
  if (target.index > ref.stage.index) {
    ctx.report({
      range: ref.range,
      severity: 'warning',
      message: `${what}=${shown} is a forward reference to a stage defined later (line ${lineNo(target.from)}); BuildKit copes, but the classic builder fails and readers expect stages in build order, so move that stage up.`,
      related: [{ message: 'the stage, defined later', range: target.from.getRange() }],
    });
  }
}

/** True when `from` needs `to`, directly or through other stages. */
function dependsOn(ctx: DockerfileContext, from: Stage, to: Stage): boolean {
  const seen = new Set<Stage>();
  const todo = [from];
  while (todo.length) {
    const s = todo.pop()!;
    if (s === to) return true;
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...stageDeps(ctx, s));
  }
  return false;
}
