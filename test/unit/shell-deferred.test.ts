// The language server's first round of Dockerfile diagnostics runs before the shell parser loads
// (withoutLoadingShellParser). What it reports must be a subset of the complete analysis, so no
// finding disappears and comes back; rules that read RUN scripts are dropped whole. The parser is
// loaded once per process, so the comparison runs in a fresh Node process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { runRules } from '../../server/src/analysis/engine/runner';
import { NotLoaded } from '../../server/src/analysis/engine/deferred';
import { resolveSettings, type Rule } from '../../server/src/analysis/engine/types';

const ROOT = resolve(__dirname, '..', '..');

test('a rule that needs a part not loaded yet is dropped whole, without a failure log; the others report', () => {
  const logs: string[] = [];
  const rule = (id: string, check: Rule<{ report: (r: unknown) => void }>['check']) =>
    ({ id, meta: { category: 'size', severity: 'warning', description: id }, check }) as unknown as Rule<{ report: (r: unknown) => void }>;
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  const findings = runRules(
    [
      rule('half-then-needs-shell', (ctx) => {
        ctx.report({ range, message: 'reported before the parse' });
        throw new NotLoaded('the shell parser');
      }),
      rule('no-shell', (ctx) => ctx.report({ range, message: 'kept' })),
    ],
    (report) => ({ report }),
    { settings: resolveSettings({}), suppressions: () => [], log: (m) => logs.push(m) },
  );
  assert.deepEqual(findings.map((f) => [f.rule, f.message]), [['no-shell', 'kept']]);
  assert.deepEqual(logs, []);
});

// Run in a child: every corpus Dockerfile analysed first without the parser, then with it.
const CHILD = `
const { corpusFiles } = require(${JSON.stringify(join(ROOT, 'test', 'corpus-files.ts'))});
const { analyzeDockerfile } = require(${JSON.stringify(join(ROOT, 'server', 'src', 'analysis', 'dockerfile', 'analyze.ts'))});
const shell = require(${JSON.stringify(join(ROOT, 'server', 'src', 'analysis', 'dockerfile', 'shell.ts'))});
const files = [...corpusFiles('dockerfile').map((f) => ({ name: f.name, text: f.text })),
  { name: 'no-run', text: 'FROM debian\\nCOPY . /app\\nCMD ["/app/x"]\\n' },
  { name: 'mixed', text: 'FROM debian\\nRUN apt-get update && apt-get install -y curl\\nCOPY . /app\\nCMD /app/x\\n' }];
const logs = [];
const key = (f) => [f.rule, f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character, f.message].join(' ');
const first = files.map((f) => {
  const r = shell.withoutLoadingShellParser(() => analyzeDockerfile(f.text, { log: (m) => logs.push(m) }));
  return { complete: r.complete, keys: r.value.map(key) };
});
const loadedBefore = shell.shellParserLoaded();
const full = files.map((f) => analyzeDockerfile(f.text, { log: (m) => logs.push(m) }).map(key));
process.stdout.write(JSON.stringify({ names: files.map((f) => f.name), first, full, loadedBefore, loadedAfter: shell.shellParserLoaded(), logs }));
`;

test('corpus: the first round is a subset of the complete analysis, equal when no rule needed the parser', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', CHILD], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(out) as { names: string[]; first: { complete: boolean; keys: string[] }[]; full: string[][]; loadedBefore: boolean; loadedAfter: boolean; logs: string[] };
  assert.equal(r.loadedBefore, false, 'the first round did not load the shell parser');
  assert.equal(r.loadedAfter, true);
  assert.deepEqual(r.logs, [], 'no rule failed');
  let partial = 0;
  r.names.forEach((name, i) => {
    const full = new Set(r.full[i]);
    for (const k of r.first[i].keys) assert.ok(full.has(k), `${name}: first-round finding missing from the complete set: ${k}`);
    if (r.first[i].complete) assert.deepEqual(r.first[i].keys, r.full[i], `${name}: complete first round equals the full analysis`);
    else partial++;
  });
  const byName = Object.fromEntries(r.names.map((n, i) => [n, i]));
  assert.equal(r.first[byName['no-run']].complete, true, 'a Dockerfile without RUN needs no parser');
  const mixed = byName.mixed;
  assert.equal(r.first[mixed].complete, false);
  assert.ok(r.first[mixed].keys.length > 0, 'the first round has the findings that need no shell parse');
  assert.ok(r.full[mixed].some((k) => k.startsWith('apt-no-install-recommends ')) && !r.first[mixed].keys.some((k) => k.startsWith('apt-no-install-recommends ')));
  assert.ok(partial > 0);
});
