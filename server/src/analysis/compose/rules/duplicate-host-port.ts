import { defineRule } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { isAllInterfaces, servicePorts, type PortMapping } from '../service-parts';

export default defineRule<ComposeContext>({
  id: 'duplicate-host-port',
  meta: {
    category: 'correctness',
    severity: 'warning',
    fixable: false,
    docs: 'Two mappings of the same host port cannot both bind: the second service fails to start with "port is already allocated".',
  },
  check(ctx) {
    const seen: Array<{ svc: Service; p: PortMapping }> = [];
    for (const svc of ctx.services) {
      for (const p of servicePorts(ctx, svc)) {
        if (!p.complete || !p.published) continue;
        const clash = seen.find((s) => overlaps(s.p, p) && profilesMeet(s.svc, svc));
        if (clash) {
          const port = Math.max(clash.p.published!.start, p.published.start);
          ctx.report({
            range: ctx.range(p.node),
            message: `Host port ${port}/${p.protocol} is already published by service \`${clash.svc.name}\`; only one of them can bind it.`,
            related: [{ message: `\`${clash.svc.name}\` publishes it here.`, range: ctx.range(clash.p.node) }],
          });
        }
        seen.push({ svc, p });
      }
    }
  },
});

function overlaps(a: PortMapping, b: PortMapping): boolean {
  if (a.protocol !== b.protocol) return false;
  // Different specific addresses can share a port; all-interfaces clashes with any address.
  if (a.hostIp !== b.hostIp && !isAllInterfaces(a.hostIp) && !isAllInterfaces(b.hostIp)) return false;
  return a.published!.start <= b.published!.end && b.published!.start <= a.published!.end;
}

/** Services in disjoint profiles never run together, so they may share a port. */
function profilesMeet(a: Service, b: Service): boolean {
  if (!a.profiles.length || !b.profiles.length) return true;
  return a.profiles.some((p) => b.profiles.includes(p));
}
