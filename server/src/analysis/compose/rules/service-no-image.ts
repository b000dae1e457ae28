import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

export default defineRule<ComposeContext>({
  id: 'service-no-image',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'A service with neither `image:` nor `build:` cannot be created; Compose rejects the project.',
  },
  check(ctx) {
    if (ctx.partial) return;
    for (const svc of ctx.services) {
      if (!svc.map || svc.extends || svc.pairOf('image') || svc.pairOf('build') || svc.pairOf('provider')) continue;
      ctx.report({ range: svc.keyRange, message: `Service \`${svc.name}\` has neither \`image:\` nor \`build:\`, so there is nothing to run.` });
    }
  },
});
