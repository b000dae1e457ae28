import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { imageRange } from '../edge-helpers';
import { canonicalRef } from '../../size/catalog';
import { isConcretePlatform, normalizePlatform, platformServes } from '../../size/platform';

export default defineRule<DockerfileContext>({
  id: 'base-image-platform-missing',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: false,
    docs: 'A base tag that is not published for the device\'s platform stops the build with "no matching manifest", or ships an image the device cannot run ("exec format error").',
  },
  check(ctx) {
    const known = ctx.files.imagePlatforms;
    if (!known) return;
    for (const stage of ctx.stages) {
      if (!stage.ref || stage.parent) continue;
      const published = known[canonicalRef(stage.ref)];
      if (!published?.length) continue;
      // `--platform=$BUILDPLATFORM` pulls for the build machine, which the analysis does not know.
      const flag = stage.platform?.trim();
      let wanted: string[];
      if (flag && isConcretePlatform(flag)) wanted = [flag];
      else if (flag && /BUILD(PLATFORM|OS|ARCH)/.test(flag)) continue;
      else wanted = ctx.settings.targetPlatforms.filter(isConcretePlatform);
      const missing = [...new Set(wanted.map(normalizePlatform))].filter((w) => !published.some((p) => platformServes(p, w)));
      if (!missing.length) continue;
      const list = [...new Set(published.map(normalizePlatform))].join(', ');
      ctx.report({
        range: imageRange(stage),
        message: `\`${stage.image}\` is not published for ${missing.join(' or ')} (only ${list}): building for ${missing.length > 1 ? 'them' : 'it'} stops with "no matching manifest", and an image of another platform fails on the device with "exec format error". Pick a tag published for the device.`,
      });
    }
  },
});
