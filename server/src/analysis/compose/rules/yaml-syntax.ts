import { isMap, isScalar } from 'yaml';
import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

export default defineRule<ComposeContext>({
  id: 'yaml-syntax',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'Compose refuses a file that is not valid YAML, so nothing in it reaches the device.',
  },
  check(ctx) {
    for (const p of ctx.yamlProblems) ctx.report({ range: p.range, message: p.message });
    const contents = ctx.doc.contents;
    // A document holding only comments parses as a null scalar: an empty file, not a wrong shape.
    if (contents && !isMap(contents) && !(isScalar(contents) && contents.value === null)) {
      const kind = ctx.yaml.seq(contents) ? 'a list' : 'a single value';
      ctx.report({ range: ctx.range(contents), message: `A Compose file must be a mapping of top-level keys (\`services:\`, \`networks:\`, ...), not ${kind}.` });
    }
    if (ctx.text.includes('*')) {
      const bomb = ctx.data().bomb;
      if (bomb) ctx.report(bomb);
    }
  },
});
