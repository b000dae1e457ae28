import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { insertIntoMap } from '../edits';
import { absenceMatters, ownPair } from '../rule-helpers';

export default defineRule<ComposeContext>({
  id: 'service-no-memory-limit',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'With no memory limit one leaking service makes the kernel kill at random on a device with 1 GB of RAM, sshd and the engine included; a limit confines the damage to that service.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      if (!absenceMatters(ctx, svc)) continue;
      const limits = ctx.yaml.get(ctx.yaml.get(svc.get('deploy'), 'resources'), 'limits');
      if (svc.pairOf('mem_limit') || ctx.yaml.pair(limits, 'memory')) continue;
      const cpu = svc.pairOf('cpus') !== undefined || ctx.yaml.pair(limits, 'cpus') !== undefined;
      // Put the limit where the file keeps its limits: deploy.resources.limits if it has one.
      const limitsMap = ctx.yaml.map(ownPair(ctx.yaml.map(ownPair(ctx.yaml.map(ownPair(svc.map, 'deploy')?.value), 'resources')?.value), 'limits')?.value);
      const edit = limitsMap ? insertIntoMap(ctx, limitsMap, [[0, 'memory: 512M']]) : insertIntoMap(ctx, svc.map, [[0, 'mem_limit: 512m']]);
      ctx.report({
        range: svc.keyRange,
        message: `Service \`${svc.name}\` has no memory limit${cpu ? '' : ' (nor a CPU limit)'}: if it leaks, the kernel's OOM killer picks victims across the whole device. Set mem_limit (or deploy.resources.limits.memory).`,
        fixes: edit ? [{ title: limitsMap ? 'Add deploy.resources.limits.memory: 512M (adjust to the service)' : 'Add mem_limit: 512m (adjust to the service)', edits: [edit] }] : undefined,
      });
    }
  },
});
