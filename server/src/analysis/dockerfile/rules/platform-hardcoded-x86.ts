import { defineRule, type Fix } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { armTargets, isWindowsStage, isX86Platform, stagesReachingFinal } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'platform-hardcoded-x86',
  meta: {
    category: 'edge',
    severity: 'warning',
    hadolint: 'DL3029',
    fixable: true,
    docs: 'A FROM pinned to an x86 platform builds x86 binaries whatever the target is; on an ARM device they fail with "exec format error".',
  },
  check(ctx) {
    const targets = armTargets(ctx);
    if (!targets.length || !ctx.finalStage) return;
    const target = targets.join(', ');
    const finalLineage = new Set(ctx.lineage(ctx.finalStage));
    const reaching = stagesReachingFinal(ctx);
    for (const stage of ctx.stages) {
      const flag = stage.from.getPlatformFlag();
      const range = flag?.getValueRange();
      const raw = flag?.getValue();
      if (!flag || !range || !raw || stage.platform === undefined || isWindowsStage(ctx, stage)) continue;
      const shown = raw === stage.platform ? `--platform=${raw}` : `--platform=${raw} (= ${stage.platform})`;
      if (isX86Platform(stage.platform)) {
        const inImage = finalLineage.has(stage);
        ctx.report({
          range,
          message: inImage
            ? `${shown} pins the image to x86 while the target is ${target}: the device cannot run it ("exec format error").`
            : `${shown} pins this ${reaching.has(stage) ? 'build ' : ''}stage to x86: what it compiles for the ${target} image is x86, and on an ARM build machine it runs under emulation.`,
          fixes: fixes(ctx, stage, !inImage),
        });
      } else if (/\$\{?BUILDPLATFORM\b/.test(stage.platform) && finalLineage.has(stage) && ctx.lineage(stage)[0].image.toLowerCase() !== 'scratch') {
        // $BUILDPLATFORM is right for builder stages, but the image itself must be built for the target.
        ctx.report({
          range,
          message: `The final image is built on ${shown}, the build machine's platform: cross-built on an x86 machine for ${target}, the image is x86 and fails on the device.`,
          fixes: fixes(ctx, stage, false),
        });
      }
    }
  },
});

/** Removing the flag builds the stage for the target platform (what `$TARGETPLATFORM` would say); builders may run on the build platform instead. */
function fixes(ctx: DockerfileContext, stage: Stage, builder: boolean): Fix[] {
  const flag = stage.from.getPlatformFlag()!;
  const next = stage.from.getImageRange()?.start ?? flag.getRange().end;
  const out: Fix[] = [{ title: 'Remove --platform so the stage is built for the target platform', edits: [{ range: { start: flag.getRange().start, end: next }, newText: '' }] }];
  if (builder && !/\$\{?BUILDPLATFORM\b/.test(ctx.textOf(flag.getRange()))) {
    out.push({
      title: 'Use --platform=$BUILDPLATFORM (only if this stage cross-compiles or produces architecture-independent files)',
      edits: [{ range: flag.getValueRange()!, newText: '$BUILDPLATFORM' }],
    });
  }
  return out;
}
