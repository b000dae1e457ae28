import { isSeq } from 'yaml';
import { defineRule, type Fix } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { columnOf, layoutOf, removePair, renderLines, seqLevel } from '../edits';
import { capName, isTrue, ownPair } from '../rule-helpers';
import { nodeSpan } from '../yaml-doc';

// Capabilities people usually reach for `privileged` to get, with what each grants.
const CAPS: Array<[string, string]> = [
  ['SYS_RAWIO', 'raw device I/O'],
  ['NET_ADMIN', 'network configuration'],
  ['SYS_TIME', 'setting the clock'],
];

export default defineRule<ComposeContext>({
  id: 'service-privileged',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: true,
    docs: 'A privileged container has every capability and every device of the host: one bug in it owns a device nobody can walk up to and reflash.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const pair = svc.pairOf('privileged');
      if (!pair || !isTrue(ctx, pair.value)) continue;
      ctx.report({
        range: ctx.range(pair.value),
        message: `Service \`${svc.name}\` runs privileged: it gets all capabilities and all host devices; grant the one capability (cap_add) or device (devices) it needs instead.`,
        fixes: CAPS.map(([cap, what]) => capFix(ctx, svc, cap, what)).filter((f): f is Fix => f !== undefined),
      });
    }
  },
});

function capFix(ctx: ComposeContext, svc: Service, cap: string, what: string): Fix | undefined {
  const pair = ownPair(svc.map, 'privileged');
  if (!pair || svc.map?.flow) return undefined;
  const title = `Replace privileged with cap_add: ${cap} (${what})`;
  const existing = ownPair(svc.map, 'cap_add');
  const { eol } = layoutOf(ctx);
  if (existing) {
    const seq = ctx.yaml.seq(existing.value);
    if (!seq || seq.flow || !isSeq(existing.value)) return undefined;
    const remove = removePair(ctx, pair);
    if (!remove) return undefined;
    if (seq.items.some((i) => capName(String(ctx.yaml.value(i) ?? '')) === cap)) return { title, edits: [remove] };
    const last = seq.items[seq.items.length - 1];
    const span = nodeSpan(last);
    if (!span) return undefined;
    const col = columnOf(ctx, seq);
    const end = ctx.lines.positionAt(span[1]);
    return { title, edits: [remove, { range: { start: end, end }, newText: `${eol}${' '.repeat(col)}- ${cap}` }] };
  }
  const col = columnOf(ctx, pair.key);
  const valueSpan = nodeSpan(pair.value);
  const keySpan = nodeSpan(pair.key);
  if (!valueSpan || !keySpan) return undefined;
  return {
    title,
    edits: [{ range: ctx.lines.range(keySpan[0], valueSpan[1]), newText: `cap_add:${eol}${renderLines(ctx, col, [[seqLevel(ctx, 0), `- ${cap}`]])}` }],
  };
}
