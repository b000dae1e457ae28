// Table-driven rule tests: each rule has `valid` snippets (no finding from it) and `invalid`
// ones with the findings' ranges and the text after applying a fix. One table runner serves
// both file kinds; a kind says how to analyse a snippet and what a fixed text must satisfy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { applyEdits } from '../server/src/analysis/engine/edits';
import type { Finding, LintSettings } from '../server/src/analysis/engine/types';
import type { FileFacts } from '../server/src/analysis/dockerfile/context';

/** Expected finding: [startLine, startChar, endLine, endChar] (0-based), a start line, or a line with a message pattern. */
export type Expect = [number, number, number, number] | number | { line: number; message?: RegExp; severity?: Finding['severity'] };

/** One invalid case. */
export interface InvalidCase<F = FileFacts> {
  code: string;
  /** One entry per finding the rule must report (in order of position). */
  findings: Expect[];
  /** Text after applying finding[0]'s fix number `fix` (default 0). */
  output?: string;
  fix?: number;
  settings?: Partial<LintSettings>;
  files?: F;
}

/** A valid case: a snippet, or one with settings/files. */
export type ValidCase<F = FileFacts> = string | { code: string; settings?: Partial<LintSettings>; files?: F };

/** How to analyse one kind of file for a rule table. */
export interface TableKind<F> {
  analyze(code: string, o: { settings?: Partial<LintSettings>; files?: F; log: (m: string) => void }): Finding[];
  /** Fewest valid and invalid cases a table must have. */
  minCases: number;
  /** Extra checks on a fixed text (e.g. that it still parses). */
  checkFixed?(out: string, c: InvalidCase<F>): void;
}

/** Analyse with a kind and keep the findings of one rule (failing on any logged rule error). */
export function kindFindings<F>(kind: TableKind<F>, rule: string, code: string, settings?: Partial<LintSettings>, files?: F): Finding[] {
  const logs: string[] = [];
  const all = kind.analyze(code, { settings, files, log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], `analysis logged errors: ${logs.join('\n')}`);
  return all.filter((f) => f.rule === rule);
}

function checkFinding(f: Finding, e: Expect, k: number): void {
  if (typeof e === 'number') assert.equal(f.range.start.line, e, `finding ${k} line`);
  else if (Array.isArray(e)) assert.deepEqual([f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character], e, `finding ${k} range`);
  else {
    assert.equal(f.range.start.line, e.line, `finding ${k} line`);
    if (e.message) assert.match(f.message, e.message);
    if (e.severity) assert.equal(f.severity, e.severity, `finding ${k} severity`);
  }
}

/** Register a rule's table for a kind of file. */
export function kindRuleTable<F>(kind: TableKind<F>, rule: string, cases: { valid: ValidCase<F>[]; invalid: InvalidCase<F>[] }): void {
  const min = kind.minCases;
  assert.ok(cases.valid.length >= min && cases.invalid.length >= min, `${rule}: a table needs at least ${min} valid and ${min} invalid cases`);
  cases.valid.forEach((v, i) => {
    const c = typeof v === 'string' ? { code: v } : v;
    test(`${rule} valid #${i + 1}`, () => {
      const got = kindFindings(kind, rule, c.code, c.settings, c.files);
      assert.deepEqual(got.map((f) => `${f.range.start.line}: ${f.message}`), [], `expected no ${rule} finding in:\n${c.code}`);
    });
  });
  cases.invalid.forEach((c, i) => {
    test(`${rule} invalid #${i + 1}`, () => {
      const got = kindFindings(kind, rule, c.code, c.settings, c.files);
      assert.equal(got.length, c.findings.length, `expected ${c.findings.length} ${rule} findings, got:\n${got.map((f) => JSON.stringify(f.range) + ' ' + f.message).join('\n')}\nin:\n${c.code}`);
      c.findings.forEach((e, k) => checkFinding(got[k], e, k));
      if (c.output !== undefined) {
        const fix = got[0]?.fixes?.[c.fix ?? 0];
        assert.ok(fix, `${rule}: expected a fix`);
        const out = applyEdits(c.code, fix.edits);
        assert.equal(out, c.output);
        kind.checkFixed?.(out, c);
      }
    });
  });
}

const dockerfileKind: TableKind<FileFacts> = {
  analyze: (code, o) => analyzeDockerfile(code, o),
  minCases: 1,
};

/** Analyse a Dockerfile snippet and keep the findings of one rule. */
export function findingsOf(rule: string, code: string, settings?: Partial<LintSettings>, files?: FileFacts): Finding[] {
  return kindFindings(dockerfileKind, rule, code, settings, files);
}

/** Register the table for a Dockerfile rule. */
export function ruleTable(rule: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  kindRuleTable(dockerfileKind, rule, cases);
}
