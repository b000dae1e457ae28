import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { insertAfterWord } from '../helpers';
import { hasFlag, positionals, subcommand } from '../shell';
import { appendCommandFix, cacheMounted, commandHead, optional, removedLater, runCommands, shippedRuns } from '../size-helpers';

const CACHE = ['/var/cache/apk', '/etc/apk/cache'];
const CLEANUP = 'rm -rf /var/cache/apk/*';

export default defineRule<DockerfileContext>({
  id: 'apk-no-cache',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3019',
    fixable: true,
    docs: 'apk add without --no-cache stores the package index (a few MB) in the layer; every device downloads it again.',
  },
  check(ctx) {
    for (const run of shippedRuns(ctx)) {
      if (run.exec) {
        const words = run.exec;
        if ((words[0] ?? '').replace(/^.*\//, '') === 'apk' && words.slice(1).find((w) => !w.startsWith('-')) === 'add' && !words.includes('--no-cache') && !words.includes('--no-network') && !cacheMounted(run, CACHE)) {
          ctx.report({ range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(), message: 'apk add without --no-cache keeps the package index in this layer; add "--no-cache".' });
        }
        continue;
      }
      if (cacheMounted(run, CACHE)) continue;
      const cmds = runCommands(run);
      // `apk update`/`upgrade` without --no-cache write the index too; then only removing it helps.
      const indexWriter = cmds.find((c) => c.name === 'apk' && ['update', 'upgrade'].includes(subcommand(c) ?? '') && !hasFlag(c, '--no-cache'));
      for (const cmd of cmds) {
        if (cmd.name !== 'apk' || subcommand(cmd) !== 'add') continue;
        // --no-network installs from local files only and fetches no index.
        if (hasFlag(cmd, '--no-cache', '--no-network')) continue;
        if (removedLater(run, cmd.start, CACHE)) continue;
        if (cmds.some((c) => c.start > cmd.start && c.name === 'apk' && subcommand(c) === 'cache' && ['clean', 'purge'].includes(positionals(c)[1]?.value ?? ''))) continue;
        const at = cmd.args.indexOf(positionals(cmd)[0]);
        const fix = indexWriter
          ? appendCommandFix(ctx, run, CLEANUP, `Append \`${CLEANUP}\` to this RUN`)
          : { title: 'Add --no-cache', edits: [insertAfterWord(cmd, at, '--no-cache')] };
        ctx.report({
          range: commandHead(cmd),
          message: 'apk add without --no-cache keeps the package index (a few MB) in this layer; add --no-cache so it is fetched to memory only.',
          fixes: optional(fix),
        });
      }
    }
  },
});
