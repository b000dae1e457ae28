// Small readers several Compose rules share: whether a missing key may be defined elsewhere,
// dependencies, one-shot jobs, health checks and limits.

import { isMap, isPair, isScalar, type Node, type Pair } from 'yaml';
import type { Range, TextEdit } from '../engine/types';
import type { ComposeContext, Service } from './context';
import { builtHealth } from './dockerfile-link';
import { keyName } from './yaml-doc';

/**
 * True when the absence of a key in this service means something: the file is not an overlay
 * of another, the service does not `extends:` another, and it is a mapping.
 */
export function absenceMatters(ctx: ComposeContext, svc: Service): boolean {
  return !ctx.partial && !svc.extends && svc.map !== undefined;
}

/** One entry of `depends_on:`. */
export interface Dependency {
  name: string;
  /** `condition:` when the long form sets it. */
  condition?: string;
  /** The list item or the key of the long form. */
  range: Range;
  pair?: Pair;
}

/** The dependencies of a service, in either form. */
export function dependencies(ctx: ComposeContext, svc: Service): Dependency[] {
  const node = svc.get('depends_on');
  if (isMap(node)) {
    return ctx.yaml.pairs(node).flatMap((p) => {
      const name = keyName(p);
      if (name === undefined) return [];
      const cond = ctx.str(ctx.yaml.get(p.value, 'condition'))?.value;
      return [{ name, condition: cond, range: ctx.keyRange(p), pair: p }];
    });
  }
  return ctx.yaml.items(node).flatMap((n) => {
    const v = ctx.str(n);
    return v ? [{ name: v.value, range: ctx.range(n) }] : [];
  });
}

const oneShotCache = new WeakMap<ComposeContext, Set<string>>();

/** True when another service waits for this one to finish: it is a job, not a daemon. */
export function isOneShot(ctx: ComposeContext, svc: Service): boolean {
  let jobs = oneShotCache.get(ctx);
  if (!jobs) {
    jobs = new Set();
    for (const other of ctx.services) {
      for (const d of dependencies(ctx, other)) if (d.condition === 'service_completed_successfully' && d.name !== other.name) jobs.add(d.name);
    }
    oneShotCache.set(ctx, jobs);
  }
  return jobs.has(svc.name);
}

/** Whether a service has a health check: in Compose, in the Dockerfile it builds, or unknown. */
export function healthOf(ctx: ComposeContext, svc: Service): 'compose' | 'dockerfile' | 'none' | 'disabled' | 'unknown' {
  const hc = svc.get('healthcheck');
  if (hc !== undefined) {
    const dis = ctx.yaml.value(ctx.yaml.get(hc, 'disable'));
    if (dis === true || dis === 'true') return 'disabled';
    const test = ctx.yaml.get(hc, 'test');
    const first = isScalar(test) ? String(test.value ?? '') : String(ctx.yaml.value(ctx.yaml.items(test)[0]) ?? '');
    return first.toUpperCase() === 'NONE' ? 'disabled' : 'compose';
  }
  if (svc.build) {
    const h = builtHealth(ctx, svc.build);
    if (!h) return 'unknown';
    return h.present ? 'dockerfile' : 'none';
  }
  return 'none';
}

/** True when the service's scalar value is YAML true or the string "true". */
export function isTrue(ctx: ComposeContext, node: unknown): boolean {
  const v = ctx.yaml.value(node);
  if (v === true) return true;
  if (typeof v === 'string') return ctx.str(node)?.value.toLowerCase() === 'true';
  return false;
}

/** Combine edits that insert at the same place into one, keeping their order. */
export function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.range.start.line === e.range.start.line && o.range.start.character === e.range.start.character && o.range.end.line === o.range.start.line && o.range.end.character === o.range.start.character && e.range.end.line === e.range.start.line && e.range.end.character === e.range.start.character);
    if (same) same.newText += e.newText;
    else out.push({ ...e });
  }
  return out;
}

/** The pair holding a key directly in a node (no merges), for edits that must touch this file's text. */
export function ownPair(node: Node | undefined, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && keyName(p) === key) as Pair | undefined;
}

/** Capability names as Compose accepts them (`cap_sys_admin` -> `SYS_ADMIN`). */
export function capName(s: string): string {
  return s.trim().toUpperCase().replace(/^CAP_/, '');
}
