// Every rule Pier has, across languages: for SARIF rule lists, docs checks and settings.

import type { RuleMeta } from './engine/types';
import { dockerfileRules } from './dockerfile/rules';
import { composeRules } from './compose/rules';

/** A rule's id, metadata and the kind of file it applies to. */
export interface RuleInfo {
  id: string;
  meta: RuleMeta;
  language: 'dockerfile' | 'compose';
}

/** All rules, Dockerfile first, each in id order. */
export function allRules(): RuleInfo[] {
  return [
    ...dockerfileRules.map((r) => ({ id: r.id, meta: r.meta, language: 'dockerfile' as const })),
    ...composeRules.map((r) => ({ id: r.id, meta: r.meta, language: 'compose' as const })),
  ];
}
