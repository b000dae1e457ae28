import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { positionals } from '../shell';
import { checkCacheCleaned } from '../size-helpers';

export default defineRule<DockerfileContext>({
  id: 'yum-cache-not-cleaned',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3032',
    fixable: true,
    docs: 'yum keeps repository metadata and packages in /var/cache/yum; left in a layer that is tens of MB on every device.',
  },
  check(ctx) {
    checkCacheCleaned(ctx, {
      managers: ['yum'],
      installs: ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade'],
      cleans: (c) => positionals(c)[0]?.value === 'clean' && positionals(c)[1]?.value === 'all',
      cacheDirs: ['/var/cache/yum'],
      cleanText: () => 'yum clean all',
    });
  },
});
