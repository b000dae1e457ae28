import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { appendCommandFix, cacheMounted, commandHead, optional, removedLater, runCommands, shippedRuns } from '../size-helpers';
import { subcommand } from '../shell';

const LISTS = '/var/lib/apt/lists';
const CLEANUP = 'rm -rf /var/lib/apt/lists/*';

export default defineRule<DockerfileContext>({
  id: 'apt-lists-not-cleaned',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3009',
    fixable: true,
    docs: 'apt package lists left in a layer add 20-50 MB that every device downloads and stores; remove them in the same RUN.',
  },
  check(ctx) {
    for (const run of shippedRuns(ctx)) {
      if (run.exec) {
        // `RUN ["apt-get", "update"]` cannot remove anything afterwards.
        const name = (run.exec[0] ?? '').replace(/^.*\//, '');
        if ((name === 'apt-get' || name === 'apt') && run.exec.slice(1).find((w) => !w.startsWith('-')) === 'update') {
          ctx.report({ range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(), message: `${name} update leaves the package lists in this layer; use the shell form and remove ${LISTS} in the same RUN.` });
        }
        continue;
      }
      // The lists are written by `update`; `install` only reads them. What counts is whether the
      // last update in the RUN is followed by their removal.
      const updates = runCommands(run).filter((c) => (c.name === 'apt-get' || c.name === 'apt') && subcommand(c) === 'update');
      const last = updates[updates.length - 1];
      if (!last) continue;
      if (cacheMounted(run, [LISTS])) continue;
      if (removedLater(run, last.start, [LISTS])) continue;
      if (runCommands(run).some((c) => c.start > last.start && c.name === 'apt-get' && /^dist-?clean$/.test(subcommand(c) ?? ''))) continue;
      ctx.report({
        range: commandHead(last),
        message: `${last.name} update leaves 20-50 MB of package lists in this layer; remove ${LISTS}/* at the end of the same RUN.`,
        fixes: optional(appendCommandFix(ctx, run, CLEANUP, `Append \`${CLEANUP}\` to this RUN`)),
      });
    }
  },
});
