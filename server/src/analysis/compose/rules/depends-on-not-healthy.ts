import { isMap, isSeq } from 'yaml';
import { defineRule, type Fix } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { columnOf, layoutOf, renderLines, replaceNode, type YamlLines } from '../edits';
import { dependencies, healthOf, ownPair } from '../rule-helpers';
import { nodeSpan } from '../yaml-doc';

export default defineRule<ComposeContext>({
  id: 'depends-on-not-healthy',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'depends_on without `condition: service_healthy` only waits for the dependency to start, so after every reboot the app races a database that is not ready yet.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const dep of dependencies(ctx, svc)) {
        if (dep.condition === 'service_healthy' || dep.condition === 'service_completed_successfully') continue;
        const target = ctx.serviceByName.get(dep.name);
        if (!target) continue;
        const h = healthOf(ctx, target);
        if (h !== 'compose' && h !== 'dockerfile') continue;
        const fix = healthyFix(ctx, svc);
        ctx.report({
          range: dep.range,
          message: `Service \`${svc.name}\` waits only for \`${dep.name}\` to start, though \`${dep.name}\` has a health check; use condition: service_healthy so it starts when \`${dep.name}\` is ready.`,
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
});

/** Rewrite the service's depends_on in the long form, waiting for health where there is a check. */
function healthyFix(ctx: ComposeContext, svc: Service): Fix | undefined {
  const pair = ownPair(svc.map, 'depends_on');
  if (!pair) return undefined;
  const title = 'Wait for healthy dependencies (condition: service_healthy)';
  const healthy = (name: string) => {
    const t = ctx.serviceByName.get(name);
    const h = t ? healthOf(ctx, t) : 'none';
    return h === 'compose' || h === 'dockerfile';
  };
  const value = pair.value;
  if (isMap(value)) {
    const edits = [];
    for (const dep of dependencies(ctx, svc)) {
      if (!healthy(dep.name) || dep.condition === 'service_healthy' || dep.condition === 'service_completed_successfully' || !dep.pair) continue;
      const cond = ctx.yaml.pair(dep.pair.value, 'condition');
      if (!cond || !nodeSpan(cond.value)) return undefined;
      edits.push(replaceNode(ctx, cond.value, 'service_healthy'));
    }
    return edits.length ? { title, edits } : undefined;
  }
  if (!isSeq(value) || value.flow || !value.items.length) return undefined;
  const span = nodeSpan(value);
  const keySpan = nodeSpan(pair.key);
  if (!span || !keySpan) return undefined;
  const keyCol = columnOf(ctx, pair.key);
  const lines: YamlLines = [];
  for (const dep of dependencies(ctx, svc)) {
    lines.push([1, `${dep.name}:`], [2, `condition: ${healthy(dep.name) ? 'service_healthy' : 'service_started'}`]);
  }
  // Replace from the end of `depends_on:` to the end of the last item, so both list layouts work.
  let end = span[1];
  while (end > span[0] && /\s/.test(ctx.text[end - 1])) end--;
  const colon = ctx.text.indexOf(':', keySpan[1]);
  if (colon < 0 || colon >= span[0]) return undefined;
  return { title, edits: [{ range: ctx.lines.range(colon + 1, end), newText: layoutOf(ctx).eol + renderLines(ctx, keyCol, lines) }] };
}
