import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { literalImage, tagsUsedFor } from '../security-helpers';

export default defineRule<DockerfileContext>({
  id: 'image-latest',
  meta: {
    category: 'security',
    severity: 'warning',
    hadolint: 'DL3007',
    fixable: true,
    docs: '`:latest` moves without notice, so rebuilds are not reproducible and devices download a new base image unannounced.',
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const ref = stage.ref;
      // A digest pins the image whatever the tag says.
      if (!ref || ref.tag !== 'latest' || ref.digest) continue;
      const literal = literalImage(stage);
      const tagRange = literal ? stage.from.getImageTagRange() : null;
      const range = tagRange ?? stage.from.getImageRange();
      if (!range) continue;
      const written = stage.from.getImage() ?? '';
      const via = written === stage.image ? '' : ` (from ${written})`;
      const name = ref.registry === 'docker.io' ? ref.repository : `${ref.registry}/${ref.repository}`;
      const tags = tagRange ? tagsUsedFor(ctx, stage) : [];
      ctx.report({
        range,
        message: `${stage.image}${via} follows \`latest\`, which moves without notice: builds stop being reproducible and a device may have to download a new base image.`,
        fixes: tags.map((t) => ({ title: `Pin to ${name}:${t}, as another stage does`, edits: [{ range: tagRange!, newText: t }] })),
      });
    }
  },
});
