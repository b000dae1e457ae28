import { defineRule, type Related } from '../../engine/types';
import type { ComposeContext, Service } from '../context';
import { insertIntoMap, type YamlLines } from '../edits';
import { absolutePath, builtHealth } from '../dockerfile-link';
import { imageFacts, imageRef } from '../images';
import { absenceMatters, healthOf, isOneShot } from '../rule-helpers';
import { servicePorts } from '../service-parts';

export default defineRule<ComposeContext>({
  id: 'service-no-healthcheck',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'Without a health check a hung service looks "running" forever: nothing restarts it, dependants start too early and a deploy cannot tell a good release from a bad one.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      if (!absenceMatters(ctx, svc) || isOneShot(ctx, svc)) continue;
      if (healthOf(ctx, svc) !== 'none') continue;
      const related: Related[] = [];
      if (svc.build) {
        const h = builtHealth(ctx, svc.build);
        const file = absolutePath(ctx, svc.build.dockerfileKey);
        if (h && file) related.push({ message: 'The stage this service builds has no HEALTHCHECK either.', range: h.range, file });
      }
      const edit = insertIntoMap(ctx, svc.map, skeleton(ctx, svc));
      ctx.report({
        range: svc.keyRange,
        message: `Service \`${svc.name}\` has no health check${svc.build ? ', and the Dockerfile it builds has none' : ''}: a hung process looks healthy, and dependants cannot wait for it to be ready.`,
        related: related.length ? related : undefined,
        fixes: edit ? [{ title: 'Add a healthcheck', edits: [edit] }] : undefined,
      });
    }
  },
});

/** A health check that works in the image when Pier knows it, else an HTTP probe or a placeholder. */
function skeleton(ctx: ComposeContext, svc: Service): YamlLines {
  const img = svc.str('image');
  let cmd = img?.complete ? imageFacts(imageRef(img.value)).health : undefined;
  const lines: YamlLines = [[0, 'healthcheck:']];
  if (!cmd) {
    const port = servicePorts(ctx, svc).find((p) => p.target)?.target?.start;
    if (port) cmd = `wget -q --spider http://127.0.0.1:${port}/ || exit 1`;
  }
  if (!cmd) {
    lines.push([1, '# Replace with a command that fails when the service is broken.']);
    cmd = 'exit 0';
  }
  lines.push([1, `test: ["CMD-SHELL", ${JSON.stringify(cmd)}]`], [1, 'interval: 30s'], [1, 'timeout: 5s'], [1, 'retries: 3'], [1, 'start_period: 30s']);
  return lines;
}
