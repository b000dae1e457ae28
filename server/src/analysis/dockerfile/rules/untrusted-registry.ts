import { defineRule, type Range } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { parseImageRef, type ImageRef } from '../image-ref';

/** Docker Hub's other names. */
const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com', 'registry.hub.docker.com']);

/** Normalise a registry host or a `host/path` entry from the settings. */
function normal(entry: string): string {
  const e = entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  const slash = e.indexOf('/');
  const host = slash < 0 ? e : e.slice(0, slash);
  return (HUB.has(host) ? 'docker.io' : host) + (slash < 0 ? '' : e.slice(slash));
}

/** True when a reference is allowed by one of the trusted entries (`host`, `*.host`, `host/path`). */
export function trusted(ref: ImageRef, entries: string[]): boolean {
  const host = normal(ref.registry);
  const repo = host === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  const full = `${host}/${repo}`;
  // The host is what gets vetted; an entry without a port trusts it on any port.
  const bare = host.replace(/:\d+$/, '');
  return entries.map(normal).some((e) => {
    if (!e) return false;
    if (e.startsWith('*.')) return bare.endsWith(e.slice(1));
    if (e.includes('/')) return full === e || full.startsWith(e + '/') || (!/:\d+\//.test(e) && `${bare}/${repo}`.startsWith(e + '/'));
    return host === e || (!e.includes(':') && bare === e);
  });
}

export default defineRule<DockerfileContext>({
  id: 'untrusted-registry',
  meta: {
    category: 'security',
    severity: 'warning',
    hadolint: 'DL3026',
    fixable: false,
    docs: 'Base images from registries you have not vetted put someone else\'s code on every device; pier.lint.trustedRegistries lists the ones you have.',
  },
  check(ctx) {
    const list = ctx.settings.trustedRegistries;
    if (!list.length) return;
    const check = (ref: ImageRef | undefined, image: string, range: Range | null, how: string) => {
      if (!ref || !range || trusted(ref, list)) return;
      ctx.report({
        range,
        message: `${how} ${image} comes from ${ref.registry}, which is not in pier.lint.trustedRegistries (${list.join(', ')}).`,
      });
    };
    for (const stage of ctx.stages) {
      // Stage references, scratch and images behind unknown ARGs have no ref.
      check(stage.ref, stage.image, stage.from.getImageRange(), 'The base image');
      for (const inst of stage.instructions) {
        const k = inst.getKeyword();
        if (k !== 'COPY' && k !== 'RUN') continue;
        for (const from of fromImages(ctx, inst)) check(from.ref, from.image, from.range, k === 'COPY' ? 'COPY --from image' : 'RUN --mount image');
      }
    }
  },
});

/** Images (not stages) named by `COPY --from=` and `RUN --mount=...,from=`. */
function fromImages(ctx: DockerfileContext, inst: import('dockerfile-ast').Instruction): Array<{ ref?: ImageRef; image: string; range: Range | null }> {
  const flags = (inst as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null; getValueRange(): Range | null }> }).getFlags?.() ?? [];
  const out: Array<{ ref?: ImageRef; image: string; range: Range | null }> = [];
  for (const f of flags) {
    const name = f.getName().toLowerCase();
    const value = f.getValue() ?? '';
    let text: string | undefined;
    if (name === 'from') text = value;
    else if (name === 'mount') text = /(?:^|,)from=([^,]+)/.exec(value)?.[1];
    if (!text || ctx.stageByRef(text)) continue;
    const r = ctx.resolve(text, inst);
    if (!r.complete || r.value.toLowerCase() === 'scratch' || /^\d+$/.test(r.value) || ctx.stageByRef(r.value)) continue;
    // Named build contexts (`--build-context name=...`) look like short image names; only refs with a tag, digest or registry are images for sure.
    const ref = parseImageRef(r.value);
    if (!ref || (!ref.tag && !ref.digest && !r.value.includes('/'))) continue;
    out.push({ ref, image: r.value, range: f.getValueRange() });
  }
  return out;
}
