import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { closest } from '../schema';
import { references } from '../references';

export default defineRule<ComposeContext>({
  id: 'undefined-volume',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'Compose refuses to start a project whose service mounts a named volume the file does not declare; a typo here also silently turns a host path into a volume.',
  },
  check(ctx) {
    if (ctx.partial) return;
    const declared = ctx.resources('volumes');
    for (const r of references(ctx, 'volumes')) {
      if (declared.has(r.name)) continue;
      const guess = closest(r.name, [...declared.keys()]);
      ctx.report({ range: r.range, message: `Service \`${r.service}\` uses volume \`${r.name}\`, which is not declared under the top-level \`volumes:\`${guess ? `; did you mean \`${guess}\`?` : '.'}` });
    }
  },
});
