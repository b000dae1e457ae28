import { isMap, isSeq, type Node } from 'yaml';
import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { pathKey } from '../context';

export default defineRule<ComposeContext>({
  id: 'path-not-found',
  meta: {
    category: 'correctness',
    severity: 'error',
    fixable: false,
    docs: 'A missing env_file, build context or Dockerfile stops `docker compose up` before anything starts, typically on the device during a deploy.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      const b = svc.build;
      if (b && !b.remote && b.complete) {
        const kind = ctx.pathKind(b.contextKey);
        if (kind === null || kind === 'file') {
          ctx.report({ range: ctx.range(b.contextNode ?? b.pair.key), message: `The build context \`${b.context}\` of service \`${svc.name}\` ${kind === null ? 'does not exist' : 'is a file, not a folder'}.` });
        } else if (!b.inline && ctx.pathKind(b.dockerfileKey) === null) {
          ctx.report({ range: ctx.range(b.dockerfileNode ?? b.pair.key), message: `The Dockerfile \`${b.dockerfileKey}\` of service \`${svc.name}\` does not exist.` });
        }
      }
      const env = svc.get('env_file');
      const items: Node[] = isSeq(env) ? ctx.yaml.items(env) : env !== undefined ? [env] : [];
      for (const item of items) {
        let node: unknown = item;
        if (isMap(item)) {
          const req = ctx.yaml.value(ctx.yaml.get(item, 'required'));
          if (req === false || req === 'false') continue;
          node = ctx.yaml.get(item, 'path');
        }
        const v = ctx.str(node);
        if (!v?.complete || !v.value) continue;
        if (ctx.pathKind(pathKey(v.value)) === null) {
          ctx.report({ range: ctx.range(node), message: `The env_file \`${v.value}\` of service \`${svc.name}\` does not exist; Compose stops with "env file not found".` });
        }
      }
    }
  },
});
