import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { positionals } from '../shell';
import { checkCacheCleaned } from '../size-helpers';

export default defineRule<DockerfileContext>({
  id: 'zypper-cache-not-cleaned',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3036',
    fixable: true,
    docs: 'zypper keeps repository metadata and packages in /var/cache/zypp; left in a layer that is tens of MB on every device.',
  },
  check(ctx) {
    checkCacheCleaned(ctx, {
      managers: ['zypper'],
      installs: ['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch'],
      cleans: (c) => ['clean', 'cc'].includes(positionals(c)[0]?.value ?? ''),
      cacheDirs: ['/var/cache/zypp'],
      cleanText: () => 'zypper clean --all',
    });
  },
});
