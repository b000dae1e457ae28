import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { hasFlag } from '../shell';
import { insertAfterWord, packageCommands } from '../helpers';

export default defineRule<DockerfileContext>({
  id: 'apt-no-install-recommends',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3015',
    fixable: true,
    docs: 'Recommended packages often double what apt installs; on a small device every MB is flash and download time.',
  },
  check(ctx) {
    for (const { cmd } of packageCommands(ctx, ['apt-get', 'apt'], ['install'])) {
      if (hasFlag(cmd, '--no-install-recommends')) continue;
      // `-o APT::Install-Recommends=false` says the same thing.
      if (cmd.args.some((a) => /APT::Install-Recommends\s*=\s*(false|0)/i.test(a.value))) continue;
      const at = cmd.args.findIndex((a) => a.value === 'install');
      ctx.report({
        range: cmd.range,
        message: `${cmd.name} install without --no-install-recommends pulls in recommended packages the app rarely needs.`,
        fixes: [{ title: 'Add --no-install-recommends', edits: [insertAfterWord(cmd, at, '--no-install-recommends')] }],
      });
    }
  },
});
