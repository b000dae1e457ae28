import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { closest } from '../schema';
import { references } from '../references';

export default defineRule<ComposeContext>({
  id: 'undefined-network',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'Compose refuses to start a project whose service joins a network the file does not declare.',
  },
  check(ctx) {
    if (ctx.partial) return;
    const declared = ctx.resources('networks');
    for (const r of references(ctx, 'networks')) {
      if (r.name === 'default') continue;
      if (declared.has(r.name)) continue;
      const guess = closest(r.name, [...declared.keys()]);
      ctx.report({ range: r.range, message: `Service \`${r.service}\` uses network \`${r.name}\`, which is not declared under the top-level \`networks:\`${guess ? `; did you mean \`${guess}\`?` : '.'}` });
    }
  },
});
