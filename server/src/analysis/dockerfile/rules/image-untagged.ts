import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { insertAt } from '../helpers';
import { literalImage, tagsUsedFor } from '../security-helpers';

export default defineRule<DockerfileContext>({
  id: 'image-untagged',
  meta: {
    category: 'security',
    severity: 'warning',
    hadolint: 'DL3006',
    fixable: true,
    docs: 'An image without a tag means whatever `latest` is today, so rebuilds change under you and devices download a new base unannounced.',
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      // Stage references, scratch and images behind unknown ARGs have no ref; they are not untagged.
      const ref = stage.ref;
      if (!ref || ref.tag || ref.digest) continue;
      const range = stage.from.getImageRange();
      if (!range) continue;
      const written = stage.from.getImage() ?? '';
      const via = written === stage.image ? '' : ` (from ${written})`;
      const tags = literalImage(stage) ? tagsUsedFor(ctx, stage) : [];
      ctx.report({
        range,
        message: `${stage.image}${via} has no tag or digest, so every build takes whatever \`latest\` is that day and a device may have to download a new base image.`,
        fixes: tags.map((t) => ({ title: `Pin to ${stage.image}:${t}, as another stage does`, edits: [insertAt(range.end, `:${t}`)] })),
      });
    }
  },
});
