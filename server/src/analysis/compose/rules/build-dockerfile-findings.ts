import { defineRule, type Finding, type Severity } from '../../engine/types';
import type { ComposeContext } from '../context';
import { absolutePath, builtFindings } from '../dockerfile-link';

const ORDER: Severity[] = ['error', 'warning', 'info', 'hint'];

export default defineRule<ComposeContext>({
  id: 'build-dockerfile-findings',
  meta: {
    category: 'edge',
    severity: 'info',
    fixable: false,
    docs: 'The image a service builds is part of the project: its Dockerfile findings are listed at the `build:` key so they are fixed with the Compose file.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      if (!svc.build) continue;
      const found = builtFindings(ctx, svc.build);
      if (!found?.length) continue;
      const file = absolutePath(ctx, svc.build.dockerfileKey);
      ctx.report({
        range: ctx.keyRange(svc.build.pair),
        message: `The Dockerfile service \`${svc.name}\` builds (${svc.build.dockerfileKey}) has ${summary(found)}${file ? '' : ''}: ${found.slice(0, 3).map((f) => f.rule).join(', ')}${found.length > 3 ? ', ...' : ''}.`,
        related: file ? found.map((f) => ({ message: `${f.severity} ${f.rule}: ${f.message}`, range: f.range, file })) : undefined,
      });
    }
  },
});

function summary(found: Finding[]): string {
  const parts = ORDER.map((s) => [s, found.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'info' ? '' : 's'}`);
  return `${found.length} finding${found.length === 1 ? '' : 's'} (${parts.join(', ')})`;
}
