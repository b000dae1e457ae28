import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { capName } from '../rule-helpers';

// What each capability hands over, in the words a reviewer needs.
const DANGEROUS: Record<string, string> = {
  ALL: 'every capability, the same as privileged',
  SYS_ADMIN: 'mount, namespaces and most of root',
  SYS_PTRACE: 'reading and changing other processes',
  SYS_MODULE: 'loading kernel modules, which is full control of the host',
};

export default defineRule<ComposeContext>({
  id: 'service-dangerous-capability',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'A few capabilities (ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN on the host network) are root on the host in all but name.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const hostNet = svc.str('network_mode')?.value === 'host';
      for (const item of ctx.yaml.items(svc.get('cap_add'))) {
        const v = ctx.str(item);
        if (!v) continue;
        const cap = capName(v.value);
        const why = DANGEROUS[cap] ?? (cap === 'NET_ADMIN' && hostNet ? "reconfiguring the host's own network (the service uses network_mode: host)" : undefined);
        if (!why) continue;
        ctx.report({ range: ctx.range(item), message: `Service \`${svc.name}\` adds ${cap}, which grants ${why}; add only the narrow capability it needs.` });
      }
    }
  },
});
