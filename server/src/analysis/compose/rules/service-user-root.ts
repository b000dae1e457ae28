import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

export default defineRule<ComposeContext>({
  id: 'service-user-root',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: "Setting `user: root` (or 0) overrides an image's non-root user: a compromise of the app becomes root in the container, one kernel bug from the host.",
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const u = svc.str('user');
      if (!u || !u.complete) continue;
      const who = u.value.trim().split(':')[0];
      if (who !== 'root' && who !== '0') continue;
      ctx.report({ range: ctx.range(u.node), message: `Service \`${svc.name}\` runs as root (user: ${u.value.trim()}); run it as an unprivileged user id and give that user the files it needs.` });
    }
  },
});
