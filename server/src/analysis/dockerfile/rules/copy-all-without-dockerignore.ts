import dockerignore from '@balena/dockerignore';
import { defineRule } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { commandsNamed } from '../helpers';
import { copyArgs, shippedStages } from '../size-helpers';

/**
 * Representative files: a directory counts as excluded when what is in it is (`node_modules/*`
 * leaves an empty directory entry, which costs nothing).
 */
const GIT = ['.git/HEAD', '.git/objects/pack/pack-0.pack'];
const NODE_MODULES = ['node_modules/pkg/package.json', 'node_modules/.bin/pkg'];

export default defineRule<DockerfileContext>({
  id: 'copy-all-without-dockerignore',
  meta: {
    category: 'size',
    severity: 'warning',
    fixable: false,
    docs: 'COPY . without a .dockerignore copies .git, local node_modules and build leftovers into the image the device downloads.',
  },
  check(ctx) {
    // Unknown (an unsaved buffer, no file system): say nothing rather than guess.
    if (ctx.files.dockerignore === undefined) return;
    const patterns = ctx.files.dockerignore === null ? undefined : ctx.files.dockerignore;
    for (const stage of shippedStages(ctx)) {
      for (const inst of stage.instructions) {
        const k = inst.getKeyword();
        if (k !== 'COPY' && k !== 'ADD') continue;
        if (ctx.flag(inst, 'from') !== undefined) continue;
        const args = copyArgs(inst);
        const src = args?.sources.find((s) => /^\.\/?$/.test(ctx.resolve(s.value, inst).value));
        if (!src) continue;
        // `COPY --exclude=.git . .` (newer Dockerfile syntax) filters like .dockerignore does.
        const excludes = (inst as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> })
          .getFlags()
          .filter((f) => f.getName().toLowerCase() === 'exclude')
          .map((f) => f.getValue() ?? '');
        if (patterns === undefined && !excludes.length) {
          ctx.report({
            range: src.range,
            message: `${k} . with no .dockerignore copies the whole build context (.git, local node_modules, build output, stray secrets) into this layer; add a .dockerignore.`,
          });
          continue;
        }
        const ig = dockerignore().add(patterns ?? '').add(excludes);
        const missing: string[] = [];
        if (!GIT.every((p) => ig.ignores(p))) missing.push('.git');
        if (usesNodePackages(ctx, stage) && !NODE_MODULES.every((p) => ig.ignores(p))) missing.push('node_modules');
        if (!missing.length) continue;
        const which = missing.join(' and ');
        ctx.report({
          range: src.range,
          message: `${patterns === undefined ? 'The --exclude list' : '.dockerignore'} does not exclude ${which}, so ${k} . copies ${missing.length > 1 ? 'them' : 'it'} into this layer${missing.includes('node_modules') ? ' (and host-built node_modules may not even run on the device)' : ''}; add ${which} to .dockerignore.`,
        });
      }
    }
  },
});

/** True when the stage (or one it builds on) installs Node packages or is a node image. */
function usesNodePackages(ctx: DockerfileContext, stage: Stage): boolean {
  const lineage = ctx.lineage(stage);
  if (lineage[0]?.ref?.name === 'node') return true;
  return commandsNamed(ctx, ['npm', 'yarn', 'pnpm', 'npx', 'corepack'], lineage.flatMap((s) => s.runs)).length > 0;
}
