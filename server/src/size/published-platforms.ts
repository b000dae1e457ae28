// Published platforms of a Dockerfile's base images, read and waited for: what `pier lint
// --online` hands the analysis so base-image-platform-missing works in CI as it does in the
// editor. Each lookup goes through the size catalog (registry with its 3 s deadline and disk
// cache, the local engine, the bundled table), so an unreachable registry costs one deadline per
// host, not one per image, and leaves the rule quiet rather than failing the lint.

import { buildContext } from '../analysis/dockerfile/context';
import { resolveSettings, type LintSettings } from '../analysis/engine/types';
import { isConcretePlatform } from '../analysis/size/platform';
import { SizeFacts } from './size-facts';

/** Platforms each base image of `text` is published for, by canonical reference; images no source knows are left out. */
export async function publishedPlatformsOf(text: string, settings: Partial<LintSettings>, facts: SizeFacts = new SizeFacts()): Promise<Record<string, string[]>> {
  const resolved = resolveSettings(settings);
  const ctx = buildContext(text, resolved, {}, () => undefined);
  const target = resolved.targetPlatforms.find(isConcretePlatform) ?? 'linux/arm64';
  const lookups = [];
  for (const stage of ctx.stages) {
    if (!stage.ref || stage.parent || stage.image.toLowerCase() === 'scratch') continue;
    const flag = stage.platform?.trim();
    lookups.push(facts.resolve(stage.ref, flag && isConcretePlatform(flag) ? flag : target));
  }
  await Promise.all(lookups);
  return facts.publishedPlatforms();
}
