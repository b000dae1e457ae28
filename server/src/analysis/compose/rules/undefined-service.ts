import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { closest } from '../schema';
import { references } from '../references';

export default defineRule<ComposeContext>({
  id: 'undefined-service',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'depends_on, links, extends, volumes_from and `service:` modes that name a service the file does not have stop Compose before anything starts.',
  },
  check(ctx) {
    if (ctx.partial) return;
    const names = [...ctx.serviceByName.keys()];
    for (const r of references(ctx, 'services')) {
      if (ctx.serviceByName.has(r.name)) continue;
      const guess = closest(r.name, names);
      ctx.report({ range: r.range, message: `Service \`${r.service}\` refers to service \`${r.name}\`, which this file does not define${guess ? `; did you mean \`${guess}\`?` : '.'}` });
    }
  },
});
