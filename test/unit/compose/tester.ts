// Table-driven tests for Compose rules, the same shape as the Dockerfile tables: `valid`
// snippets give no finding of the rule; `invalid` ones list the findings' ranges and the text
// after applying a fix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import type { ComposeFileFacts } from '../../../server/src/analysis/compose/context';
import { applyEdits } from '../../../server/src/analysis/engine/edits';
import type { Finding, LintSettings } from '../../../server/src/analysis/engine/types';

/** Expected finding: [startLine, startChar, endLine, endChar] (0-based), a start line, or a line with a message pattern. */
export type Expect = [number, number, number, number] | number | { line: number; message?: RegExp };

/** One invalid case. */
export interface InvalidCase {
  code: string;
  findings: Expect[];
  /** Text after applying finding[0]'s fix number `fix` (default 0). */
  output?: string;
  fix?: number;
  settings?: Partial<LintSettings>;
  files?: ComposeFileFacts;
}

/** A valid case: a snippet, or one with settings/files. */
export type ValidCase = string | { code: string; settings?: Partial<LintSettings>; files?: ComposeFileFacts };

/** Analyse and keep the findings of one rule (failing on any logged rule error). */
export function composeFindings(rule: string, code: string, settings?: Partial<LintSettings>, files?: ComposeFileFacts): Finding[] {
  const logs: string[] = [];
  const all = analyzeCompose(code, { settings, files, log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], `analysis logged errors: ${logs.join('\n')}`);
  return all.filter((f) => f.rule === rule);
}

/** Register the table for a Compose rule. */
export function composeRuleTable(rule: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  assert.ok(cases.valid.length >= 3 && cases.invalid.length >= 3, `${rule}: a table needs at least 3 valid and 3 invalid cases`);
  cases.valid.forEach((v, i) => {
    const c = typeof v === 'string' ? { code: v } : v;
    test(`${rule} valid #${i + 1}`, () => {
      const got = composeFindings(rule, c.code, c.settings, c.files);
      assert.deepEqual(got.map((f) => `${f.range.start.line}: ${f.message}`), [], `expected no ${rule} finding in:\n${c.code}`);
    });
  });
  cases.invalid.forEach((c, i) => {
    test(`${rule} invalid #${i + 1}`, () => {
      const got = composeFindings(rule, c.code, c.settings, c.files);
      assert.equal(got.length, c.findings.length, `expected ${c.findings.length} ${rule} findings, got:\n${got.map((f) => JSON.stringify(f.range) + ' ' + f.message).join('\n')}\nin:\n${c.code}`);
      c.findings.forEach((e, k) => {
        const f = got[k];
        if (typeof e === 'number') assert.equal(f.range.start.line, e, `finding ${k} line`);
        else if (Array.isArray(e)) assert.deepEqual([f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character], e, `finding ${k} range`);
        else {
          assert.equal(f.range.start.line, e.line, `finding ${k} line`);
          if (e.message) assert.match(f.message, e.message);
        }
      });
      if (c.output !== undefined) {
        const fix = got[0]?.fixes?.[c.fix ?? 0];
        assert.ok(fix, `${rule}: expected a fix`);
        const out = applyEdits(c.code, fix.edits);
        assert.equal(out, c.output);
        // A fix must leave a file that still parses and no longer has this finding there.
        const after = composeFindings('yaml-syntax', out, c.settings, c.files);
        assert.deepEqual(after.map((f) => f.message), [], 'the fixed file must still be valid YAML');
      }
    });
  });
}
