import { isMap } from 'yaml';
import { defineRule, type Fix } from '../../engine/types';
import type { ComposeContext } from '../context';
import { insertIntoMap, replaceNode } from '../edits';
import { ADMIN_PORTS, imageFacts, imageRef } from '../images';
import { isAllInterfaces, servicePorts, type PortMapping } from '../service-parts';
import { nodeSpan } from '../yaml-doc';

export default defineRule<ComposeContext>({
  id: 'admin-port-public',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: true,
    docs: 'A database, broker or dashboard published on every interface is reachable from any network the device joins; bind it to 127.0.0.1 and tunnel in.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const img = svc.str('image');
      const facts = img?.complete ? imageFacts(imageRef(img.value)) : {};
      for (const p of servicePorts(ctx, svc)) {
        if (!p.complete || !isAllInterfaces(p.hostIp) || !p.target) continue;
        const kind = facts.kind ?? ADMIN_PORTS[p.target.start];
        if (!kind) continue;
        const who = facts.kind && img ? `${imageRef(img.value)?.name ?? img.value} (a ${kind})` : `a ${kind} port`;
        const host = p.published ? `host port ${p.published.start}${p.published.end !== p.published.start ? `-${p.published.end}` : ''}` : 'a random host port';
        const fix = bindLocal(ctx, p);
        ctx.report({
          range: ctx.range(p.node),
          message: `Service \`${svc.name}\` publishes ${who} on ${host} on every interface: anything on the device's networks can reach it. Bind it to 127.0.0.1 unless other machines must connect.`,
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
});

function bindLocal(ctx: ComposeContext, p: PortMapping): Fix | undefined {
  const title = 'Bind the port to 127.0.0.1';
  if (p.form === 'map') {
    if (!isMap(p.node)) return undefined;
    const host = ctx.yaml.pair(p.node, 'host_ip');
    if (host) return { title, edits: [replaceNode(ctx, host.value, '127.0.0.1')] };
    const ins = insertIntoMap(ctx, p.node, [[0, 'host_ip: 127.0.0.1']]);
    return ins ? { title, edits: [ins] } : undefined;
  }
  const span = nodeSpan(p.node);
  if (!span) return undefined;
  const source = ctx.text.slice(span[0], span[1]);
  const value = String((p.node as { value?: unknown }).value);
  const q = /^["']/.test(source) ? 1 : 0;
  // Only rewrite text whose source is the value itself (no escapes, no line folding).
  if (source.slice(q, source.length - q) !== value) return undefined;
  if (p.form === 'number' || !p.published) {
    return { title, edits: [replaceNode(ctx, p.node, `"127.0.0.1::${value}"`)] };
  }
  if (p.hostIp === '') {
    const at = ctx.lines.positionAt(span[0] + q);
    return { title, edits: [{ range: { start: at, end: at }, newText: '127.0.0.1:' }] };
  }
  const i = value.indexOf(p.hostIp);
  if (i !== 0) return undefined;
  return { title, edits: [{ range: ctx.lines.range(span[0] + q, span[0] + q + p.hostIp.length), newText: '127.0.0.1' }] };
}
