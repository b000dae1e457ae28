// Where services refer to other things by name: networks, volumes, secrets, configs and other
// services. The undefined-* rules check each against what the file declares.

import { isMap, isScalar } from 'yaml';
import type { Range } from '../engine/types';
import type { ComposeContext } from './context';
import { dependencies } from './rule-helpers';
import { serviceMounts } from './service-parts';
import { keyName } from './yaml-doc';

/** A name used somewhere, and where. */
export interface Reference {
  service: string;
  name: string;
  range: Range;
}

/** References of one kind, complete names only (interpolated ones with unknown variables are skipped). */
export function references(ctx: ComposeContext, kind: 'networks' | 'volumes' | 'secrets' | 'configs' | 'services'): Reference[] {
  const out: Reference[] = [];
  const add = (service: string, node: unknown, name?: string) => {
    const v = name === undefined ? ctx.str(node) : { value: name, complete: true };
    if (v && v.complete && v.value) out.push({ service, name: v.value, range: ctx.range(node) });
  };
  for (const svc of ctx.services) {
    if (kind === 'networks') {
      const n = svc.get('networks');
      if (isMap(n)) for (const p of ctx.yaml.pairs(n)) add(svc.name, p.key, keyName(p));
      else for (const i of ctx.yaml.items(n)) add(svc.name, i);
    } else if (kind === 'volumes') {
      for (const m of serviceMounts(ctx, svc)) {
        if (m.type === 'volume' && m.source && m.complete) out.push({ service: svc.name, name: m.source, range: ctx.range(m.sourceNode) });
      }
    } else if (kind === 'secrets' || kind === 'configs') {
      const lists = [svc.get(kind)];
      if (kind === 'secrets' && svc.build) lists.push(ctx.yaml.get(svc.build.pair.value, 'secrets'));
      for (const list of lists) {
        for (const i of ctx.yaml.items(list)) {
          if (isScalar(i)) add(svc.name, i);
          else if (isMap(i)) {
            const src = ctx.yaml.get(i, 'source');
            if (src) add(svc.name, src);
          }
        }
      }
    } else {
      for (const d of dependencies(ctx, svc)) out.push({ service: svc.name, name: d.name, range: d.range });
      for (const key of ['network_mode', 'pid', 'ipc']) {
        const v = svc.str(key);
        const m = v?.complete ? /^service:(.+)$/.exec(v.value.trim()) : null;
        if (m && v) out.push({ service: svc.name, name: m[1], range: ctx.range(v.node) });
      }
      for (const i of ctx.yaml.items(svc.get('links'))) {
        const v = ctx.str(i);
        if (v?.complete) out.push({ service: svc.name, name: v.value.split(':')[0], range: ctx.range(i) });
      }
      for (const i of ctx.yaml.items(svc.get('volumes_from'))) {
        const v = ctx.str(i);
        if (!v?.complete || v.value.startsWith('container:')) continue;
        out.push({ service: svc.name, name: v.value.replace(/^service:/, '').split(':')[0], range: ctx.range(i) });
      }
      const ext = svc.get('extends');
      if (isScalar(ext)) add(svc.name, ext);
      else if (isMap(ext) && ctx.yaml.get(ext, 'file') === undefined) {
        const s = ctx.yaml.get(ext, 'service');
        if (s) add(svc.name, s);
      }
    }
  }
  return out;
}
