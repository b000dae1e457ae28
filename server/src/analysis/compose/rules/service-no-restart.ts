import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { insertIntoMap } from '../edits';
import { absenceMatters, isOneShot } from '../rule-helpers';

export default defineRule<ComposeContext>({
  id: 'service-no-restart',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'Without a restart policy a crashed service, or every service after a power cut, stays down until someone visits a device nobody visits.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      if (!absenceMatters(ctx, svc) || svc.pairOf('restart') || ctx.yaml.get(svc.get('deploy'), 'restart_policy') !== undefined) continue;
      if (isOneShot(ctx, svc)) continue;
      const edit = insertIntoMap(ctx, svc.map, [[0, 'restart: unless-stopped']]);
      ctx.report({
        range: svc.keyRange,
        message: `Service \`${svc.name}\` has no restart policy: after a crash or a power cut it stays down. Set restart: unless-stopped (or always).`,
        fixes: edit ? [{ title: 'Add restart: unless-stopped', edits: [edit] }] : undefined,
      });
    }
  },
});
