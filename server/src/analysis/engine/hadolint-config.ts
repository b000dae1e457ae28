// Reads a .hadolint.yaml so teams moving from hadolint keep their choices:
// `ignored`, `override.{error,warning,info,style}`, `trustedRegistries`.

import { parse } from 'yaml';
import type { LintSettings, Severity } from './types';

/** Settings fragments a .hadolint.yaml contributes; junk is ignored rather than thrown. */
export function readHadolintConfig(text: string): Partial<LintSettings> {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return {};
  }
  if (!doc || typeof doc !== 'object') return {};
  const d = doc as Record<string, unknown>;
  const rules: Record<string, Severity | 'off'> = {};
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const override = (d.override && typeof d.override === 'object' ? d.override : {}) as Record<string, unknown>;
  const levels: Array<[string, Severity]> = [['error', 'error'], ['warning', 'warning'], ['info', 'info'], ['style', 'hint']];
  for (const [key, sev] of levels) for (const code of list(override[key])) rules[code] = sev;
  for (const code of list(d.ignored)) rules[code] = 'off';
  const out: Partial<LintSettings> = { rules };
  const trusted = list(d.trustedRegistries);
  if (trusted.length) out.trustedRegistries = trusted;
  return out;
}

/** Merge settings layers: later layers win for rules; lists are taken from the last layer that sets them. */
export function mergeSettings(...layers: Array<Partial<LintSettings> | undefined>): Partial<LintSettings> {
  const out: Partial<LintSettings> = { rules: {} };
  for (const l of layers) {
    if (!l) continue;
    Object.assign(out.rules!, l.rules ?? {});
    if (l.categories) out.categories = { ...(out.categories ?? {}), ...l.categories } as LintSettings['categories'];
    if (l.targetPlatforms) out.targetPlatforms = l.targetPlatforms;
    if (l.trustedRegistries?.length) out.trustedRegistries = [...(out.trustedRegistries ?? []), ...l.trustedRegistries];
  }
  return out;
}
