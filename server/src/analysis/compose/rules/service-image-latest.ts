import { defineRule, type Fix } from '../../engine/types';
import type { ComposeContext } from '../context';
import { imageFacts, imageRef } from '../images';
import type { ImageRef } from '../../dockerfile/image-ref';
import { nodeSpan } from '../yaml-doc';
import type { Scalar } from 'yaml';

export default defineRule<ComposeContext>({
  id: 'service-image-latest',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'An image without a tag, or with `latest`, changes under the device at the next pull: a reboot or redeploy can bring a new major version nobody tested.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      // With `build:`, `image:` names what is built here, not what is pulled.
      if (svc.build) continue;
      const img = svc.str('image');
      if (!img) continue;
      if (!img.complete && !img.defaulted.length) continue;
      const ref = imageRef(img.value);
      if (!ref || ref.digest || (ref.tag && ref.tag !== 'latest')) continue;
      const via = img.complete ? '' : ` when ${img.defaulted.join(', ')} ${img.defaulted.length > 1 ? 'are' : 'is'} unset`;
      const fix = img.complete ? pinFix(ctx, img.node, ref) : undefined;
      ctx.report({
        range: ctx.range(img.node),
        message: `Service \`${svc.name}\` uses ${ref.tag ? `\`${img.value}\`` : `\`${img.value}\` without a tag, which means latest`}${via}: the next pull can bring a different, untested version. Pin a version tag (or a digest).`,
        fixes: fix ? [fix] : undefined,
      });
    }
  },
});

function pinFix(ctx: ComposeContext, node: Scalar, ref: ImageRef): Fix | undefined {
  const tag = imageFacts(ref).tag;
  const span = nodeSpan(node);
  if (!tag || !span) return undefined;
  const source = ctx.text.slice(span[0], span[1]);
  const value = String(node.value);
  const q = /^["']/.test(source) ? 1 : 0;
  if (source.slice(q, source.length - q) !== value) return undefined;
  const next = ref.tag ? value.replace(/:latest$/, `:${tag}`) : `${value}:${tag}`;
  return { title: `Pin ${ref.name} to ${tag}`, edits: [{ range: ctx.lines.range(span[0] + q, span[1] - q), newText: next }] };
}
