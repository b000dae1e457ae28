import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { positionals } from '../shell';
import { checkCacheCleaned } from '../size-helpers';

export default defineRule<DockerfileContext>({
  id: 'dnf-cache-not-cleaned',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3040',
    fixable: true,
    docs: 'dnf and microdnf keep repository metadata and packages in /var/cache; left in a layer that is tens of MB on every device.',
  },
  check(ctx) {
    checkCacheCleaned(ctx, {
      // microdnf (UBI minimal images) caches the same way and cleans with the same words.
      managers: ['dnf', 'microdnf', 'dnf5'],
      installs: ['install', 'groupinstall', 'reinstall', 'update', 'upgrade'],
      cleans: (c) => positionals(c)[0]?.value === 'clean' && positionals(c)[1]?.value === 'all',
      // microdnf keeps its cache under /var/cache/yum on RHEL 8.
      cacheDirs: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'],
      cleanText: (manager) => `${manager} clean all`,
    });
  },
});
