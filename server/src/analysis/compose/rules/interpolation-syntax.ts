import { isScalar, visit } from 'yaml';
import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { interpolate } from '../interpolation';
import { nodeSpan } from '../yaml-doc';

export default defineRule<ComposeContext>({
  id: 'interpolation-syntax',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: true,
    docs: 'Compose rejects the whole file when a `$` does not start a valid variable; a literal dollar sign must be written `$$`.',
  },
  check(ctx) {
    visit(ctx.doc, {
      Scalar(key, node) {
        if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
        const { errors } = interpolate(node.value, undefined);
        if (!errors.length) return;
        const span = nodeSpan(node);
        if (!span) return;
        const source = ctx.text.slice(span[0], span[1]);
        // Offsets inside the value map onto the source only for single-line plain or quoted text
        // without escapes; otherwise point at the whole value.
        const q = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
        const exact = !source.includes('\n') && source.slice(q, source.length - q) === node.value;
        for (const e of errors) {
          const range = exact ? ctx.lines.range(span[0] + q + e.offset, span[0] + q + e.offset + e.length) : ctx.range(node);
          const lone = e.length === 1;
          ctx.report({
            range,
            message: e.message,
            fixes: exact && lone && isScalar(node) ? [{ title: 'Write `$$` for a literal dollar sign', edits: [{ range: { start: range.start, end: range.start }, newText: '$' }] }] : undefined,
          });
        }
      },
    });
  },
});
