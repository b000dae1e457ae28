import { defineRule } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { lineNo } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'duplicate-stage-name',
  meta: {
    category: 'correctness',
    severity: 'error',
    hadolint: 'DL3024',
    fixable: false,
    docs: 'Two stages with the same name make the builder stop with "duplicate stage name"; nothing reaches the device.',
  },
  check(ctx) {
    const first = new Map<string, Stage>();
    for (const s of ctx.stages) {
      if (!s.name) continue;
      const seen = first.get(s.name);
      const range = s.from.getBuildStageRange();
      if (!seen) {
        first.set(s.name, s);
        continue;
      }
      if (!range) continue;
      ctx.report({
        range,
        message: `Stage name '${s.name}' is already used on line ${lineNo(seen.from)} (names are case-insensitive); the builder rejects the file.`,
        related: [{ message: `'${s.name}' first defined here`, range: seen.from.getBuildStageRange() ?? seen.from.getRange() }],
      });
    }
  },
});
