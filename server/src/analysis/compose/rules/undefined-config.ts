import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { closest } from '../schema';
import { references } from '../references';

export default defineRule<ComposeContext>({
  id: 'undefined-config',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'Compose refuses to start a project whose service uses a config the file does not declare.',
  },
  check(ctx) {
    if (ctx.partial) return;
    const declared = ctx.resources('configs');
    for (const r of references(ctx, 'configs')) {
      if (declared.has(r.name)) continue;
      const guess = closest(r.name, [...declared.keys()]);
      ctx.report({ range: r.range, message: `Service \`${r.service}\` uses config \`${r.name}\`, which is not declared under the top-level \`configs:\`${guess ? `; did you mean \`${guess}\`?` : '.'}` });
    }
  },
});
