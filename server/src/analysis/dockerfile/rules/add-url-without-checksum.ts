import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { copySources } from '../security-helpers';

/** Git sources as BuildKit's ADD recognises them. */
const GIT_URL = /^(git@[^:]+:|git:\/\/|ssh:\/\/|git\+https?:\/\/)|^https?:\/\/[^#]*\.git(#.*)?$/i;

export default defineRule<DockerfileContext>({
  id: 'add-url-without-checksum',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'ADD fetches a URL at every cache miss without checking what came back; a pinned checksum makes a swapped or truncated file fail the build.',
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const inst of stage.instructions) {
        if (inst.getKeyword() !== 'ADD') continue;
        const checksum = ctx.flag(inst, 'checksum');
        for (const src of copySources(inst)) {
          const url = src.value.includes('$') ? ctx.resolve(src.value, inst).value : src.value;
          if (GIT_URL.test(url)) {
            if (checksum || pinnedCommit(url)) continue;
            ctx.report({
              range: src.range,
              message: 'ADD of a git repository without a pinned commit builds whatever the branch or tag points to that day; pin a commit (#<sha>) or add --checksum=<sha>.',
            });
          } else if (/^https?:\/\//i.test(url) && !checksum) {
            const plain = /^http:/i.test(url) ? ' over plain HTTP, which anyone on the path can change,' : '';
            ctx.report({
              range: src.range,
              message: `ADD downloads this URL${plain} without --checksum, so a changed or tampered file goes into the image unnoticed.`,
            });
          }
        }
      }
    }
  },
});

/** A `#ref[:subdir]` fragment that is a full commit id (sha1 or sha256 object names). */
function pinnedCommit(url: string): boolean {
  const hash = url.indexOf('#');
  if (hash < 0) return false;
  const ref = url.slice(hash + 1).split(':')[0];
  return /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(ref);
}
