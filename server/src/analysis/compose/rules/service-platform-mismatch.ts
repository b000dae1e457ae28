import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

/** Normalise a platform the way the engine matches them (`linux/arm64/v8` is `linux/arm64`). */
export function normalizePlatform(p: string): string {
  const [os = '', arch = '', variant] = p.trim().toLowerCase().split('/');
  if (arch === 'arm64' || arch === 'aarch64') return `${os}/arm64`;
  if (arch === 'arm') return `${os}/arm/${variant ?? 'v7'}`;
  if (arch === 'amd64' || arch === 'x86_64') return `${os}/amd64`;
  return variant ? `${os}/${arch}/${variant}` : `${os}/${arch}`;
}

export default defineRule<ComposeContext>({
  id: 'service-platform-mismatch',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: false,
    docs: 'A `platform` other than the devices\' own makes the engine pull a foreign image that runs under emulation at a fraction of the speed, or not at all.',
  },
  check(ctx) {
    const targets = ctx.settings.targetPlatforms.map(normalizePlatform);
    if (!targets.length) return;
    const fits = (p: string) => p.startsWith('wasi/') || targets.includes(normalizePlatform(p));
    for (const svc of ctx.services) {
      const plat = svc.str('platform');
      if (plat?.complete && plat.value.trim() && !fits(plat.value)) {
        ctx.report({ range: ctx.range(plat.node), message: `Service \`${svc.name}\` asks for platform ${plat.value.trim()}, but the target platforms are ${ctx.settings.targetPlatforms.join(', ')}: the image would run under emulation, if at all.` });
      }
      const plats = ctx.yaml.get(svc.build?.pair.value, 'platforms');
      const values = ctx.yaml.items(plats).map((n) => ctx.str(n)).filter((v) => v?.complete).map((v) => v!.value);
      if (values.length && !values.some(fits)) {
        ctx.report({ range: ctx.range(plats), message: `Service \`${svc.name}\` builds for ${values.join(', ')} only, none of the target platforms (${ctx.settings.targetPlatforms.join(', ')}).` });
      }
    }
  },
});
