// Table-driven rule tests: each rule has `valid` snippets (no finding from it) and `invalid`
// ones with the findings' ranges and the text after applying the first fix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { applyEdits } from '../server/src/analysis/engine/edits';
import type { Finding, LintSettings } from '../server/src/analysis/engine/types';
import type { FileFacts } from '../server/src/analysis/dockerfile/context';

/** Expected finding: [startLine, startChar, endLine, endChar] (0-based), or just the start line. */
export type Expect = [number, number, number, number] | number | { line: number; message?: RegExp; severity?: Finding['severity'] };

/** One invalid case. */
export interface InvalidCase {
  code: string;
  /** One entry per finding the rule must report (in order of position). */
  findings: Expect[];
  /** Text after applying finding[0]'s first fix. */
  output?: string;
  settings?: Partial<LintSettings>;
  files?: FileFacts;
}

/** A valid case: a snippet, or one with settings/files. */
export type ValidCase = string | { code: string; settings?: Partial<LintSettings>; files?: FileFacts };

/** Analyse and keep the findings of one rule. */
export function findingsOf(rule: string, code: string, settings?: Partial<LintSettings>, files?: FileFacts): Finding[] {
  const logs: string[] = [];
  const all = analyzeDockerfile(code, { settings, files, log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], `analysis logged errors: ${logs.join('\n')}`);
  return all.filter((f) => f.rule === rule);
}

/** Register the table for a Dockerfile rule. */
export function ruleTable(rule: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  assert.ok(cases.valid.length > 0 && cases.invalid.length > 0, `${rule}: a table needs valid and invalid cases`);
  cases.valid.forEach((v, i) => {
    const c = typeof v === 'string' ? { code: v } : v;
    test(`${rule} valid #${i + 1}`, () => {
      const got = findingsOf(rule, c.code, c.settings, c.files);
      assert.deepEqual(got.map((f) => `${f.range.start.line}: ${f.message}`), [], `expected no ${rule} finding in:\n${c.code}`);
    });
  });
  cases.invalid.forEach((c, i) => {
    test(`${rule} invalid #${i + 1}`, () => {
      const got = findingsOf(rule, c.code, c.settings, c.files);
      assert.equal(got.length, c.findings.length, `expected ${c.findings.length} ${rule} findings, got:\n${got.map((f) => JSON.stringify(f.range) + ' ' + f.message).join('\n')}\nin:\n${c.code}`);
      c.findings.forEach((e, k) => {
        const f = got[k];
        if (typeof e === 'number') assert.equal(f.range.start.line, e, `finding ${k} line`);
        else if (Array.isArray(e)) assert.deepEqual([f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character], e, `finding ${k} range`);
        else {
          assert.equal(f.range.start.line, e.line, `finding ${k} line`);
          if (e.message) assert.match(f.message, e.message);
          if (e.severity) assert.equal(f.severity, e.severity, `finding ${k} severity`);
        }
      });
      if (c.output !== undefined) {
        const fix = got[0]?.fixes?.[0];
        assert.ok(fix, `${rule}: expected a fix`);
        assert.equal(applyEdits(c.code, fix.edits), c.output);
      }
    });
  });
}
