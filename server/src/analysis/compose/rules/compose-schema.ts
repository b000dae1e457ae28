import { defineRule, type Range } from '../../engine/types';
import type { ComposeContext } from '../context';
import { validateCompose, type SchemaProblem } from '../schema';

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

export default defineRule<ComposeContext>({
  id: 'compose-schema',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'Compose validates every file against the Compose Specification and refuses the whole project on the first mismatch.',
  },
  check(ctx) {
    if (ctx.yamlProblems.length || !ctx.root) return;
    const data = ctx.data();
    if (data.bomb) return;
    const problems = validateCompose(data.value, (path) => ctx.yaml.seq(ctx.yaml.at(path)) !== undefined);
    for (const p of problems) ctx.report({ range: rangeOf(ctx, p), message: p.message });
    // The schema leaves `restart` a free string; the engine accepts only these values.
    for (const svc of ctx.services) {
      const r = svc.str('restart');
      if (r && r.complete && !RESTART.test(r.value)) {
        ctx.report({ range: ctx.range(r.node), message: '`restart` must be one of: no, always, on-failure, unless-stopped (on-failure may take a retry count, as in on-failure:5).' });
      }
    }
  },
});

function rangeOf(ctx: ComposeContext, p: SchemaProblem): Range {
  const path = p.at.path;
  if (!path.length) return ctx.root ? ctx.keyRange(ctx.root.items[0] as never) : ctx.lines.range(0, 0);
  const parent = ctx.yaml.at(path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const item = ctx.yaml.seq(parent)?.items[last];
    if (item) return ctx.range(item);
  } else {
    const pair = ctx.yaml.pair(parent, last);
    if (pair) return ctx.keyRange(pair);
  }
  return parent ? ctx.range(parent) : ctx.lines.range(0, 0);
}
