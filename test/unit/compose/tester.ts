// Table-driven tests for Compose rules through the shared table runner (test/rule-tester.ts):
// `valid` snippets give no finding of the rule; `invalid` ones list the findings' ranges and the
// text after applying a fix, which must still be valid YAML.

import assert from 'node:assert/strict';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import type { ComposeFileFacts } from '../../../server/src/analysis/compose/context';
import type { Finding, LintSettings } from '../../../server/src/analysis/engine/types';
import { kindFindings, kindRuleTable, type InvalidCase as AnyInvalid, type TableKind, type ValidCase as AnyValid } from '../../rule-tester';

export type { Expect } from '../../rule-tester';
/** One invalid Compose case. */
export type InvalidCase = AnyInvalid<ComposeFileFacts>;
/** A valid Compose case. */
export type ValidCase = AnyValid<ComposeFileFacts>;

const composeKind: TableKind<ComposeFileFacts> = {
  analyze: (code, o) => analyzeCompose(code, o),
  minCases: 3,
  checkFixed(out, c) {
    const after = kindFindings(composeKind, 'yaml-syntax', out, c.settings, c.files);
    assert.deepEqual(after.map((f) => f.message), [], 'the fixed file must still be valid YAML');
  },
};

/** Analyse a Compose snippet and keep the findings of one rule (failing on any logged rule error). */
export function composeFindings(rule: string, code: string, settings?: Partial<LintSettings>, files?: ComposeFileFacts): Finding[] {
  return kindFindings(composeKind, rule, code, settings, files);
}

/** Register the table for a Compose rule. */
export function composeRuleTable(rule: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  kindRuleTable(composeKind, rule, cases);
}
