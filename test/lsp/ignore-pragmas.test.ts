// The ignore actions insert comments that engine/pragmas.ts must honour exactly. For every
// finding in the corpus and in tricky snippets (directives, indentation, CRLF, heredocs,
// continuations): the line comment silences that rule on that instruction and nothing else, the
// file comment silences the rule everywhere, and parser directives keep working.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { isDockerfileName } from '../../server/src/analysis/file-kinds';
import type { Finding } from '../../server/src/analysis/engine/types';
import { dockerfileIgnoreFileEdit, dockerfileIgnoreLineEdit } from '../../server/src/features/dockerfile/ignore';

const SNIPPETS: Record<string, string> = {
  directives: '# syntax=docker/dockerfile:1\n# escape=\\\nFROM debian:12.5\nRUN apt-get update && apt-get install -y curl\n',
  'directives only, no final newline': '# syntax=docker/dockerfile:1',
  indented: 'FROM debian:12.5\n\t  RUN apt-get install -y curl\n',
  crlf: 'FROM debian:12.5\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n',
  continuation: 'FROM debian:12.5\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y \\\n      ca-certificates curl; \\\n    rm -rf /var/lib/apt/lists/*\n',
  heredoc: 'FROM debian:12.5\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n',
  'hadolint comment above': 'FROM debian:12.5\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n',
  'two in one RUN': 'FROM debian:12.5\nRUN apt-get install -y curl && apt-get install -y git\nRUN apt-get install -y jq\n',
  'secret env': 'FROM alpine:3.20\nENV API_TOKEN=abcd1234abcd1234abcd1234\n',
};

function corpusFiles(): Array<[string, string]> {
  const root = resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
  if (!existsSync(root)) return [];
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (isDockerfileName(name)) out.push([p.slice(root.length + 1), readFileSync(p, 'utf8')]);
    }
  };
  walk(root);
  return out;
}

// Each check re-analyses the document twice; a few findings per rule across the corpus cover the
// comment placement cases without re-analysing the corpus hundreds of times.
const PER_RULE = 4;

const analyse = (text: string) => analyzeDockerfile(text, { log: (m) => assert.fail(`analysis logged: ${m}`) });
const directives = (text: string) => DockerfileParser.parse(text).getDirectives().map((d) => `${d.getName()}=${d.getValue()}`);
const count = (fs: Finding[], pred: (f: Finding) => boolean) => fs.filter(pred).length;

/** Check every finding of a document, or only as many per rule as `budget` still allows. */
function checkDocument(name: string, text: string, budget?: Map<string, number>): number {
  const doc = TextDocument.create(`file:///t/${encodeURIComponent(name)}/Dockerfile`, 'dockerfile', 1, text);
  const before = analyse(text);
  const instructions = DockerfileParser.parse(text).getInstructions();
  let checked = 0;
  for (const f of before) {
    if (budget) {
      const left = budget.get(f.rule) ?? PER_RULE;
      if (left <= 0) continue;
      budget.set(f.rule, left - 1);
    }
    checked++;
    const where = `${name}: ${f.rule} at ${f.range.start.line}:${f.range.start.character}`;
    const inst = instructions.find((i) => i.getRange().start.line <= f.range.start.line && f.range.start.line <= i.getRange().end.line);
    const line = dockerfileIgnoreLineEdit(doc, f);
    if (!inst) {
      assert.equal(line, undefined, `${where}: no instruction, so no line pragma`);
    } else {
      assert.ok(line, `${where}: a line pragma is offered`);
      const after = analyse(TextDocument.applyEdits(doc, [line]));
      const shift = line.newText.endsWith('\n') ? 1 : 0;
      const span = [inst.getRange().start.line + shift, inst.getRange().end.line + shift];
      const inSpan = (x: Finding) => x.range.start.line >= span[0] && x.range.start.line <= span[1];
      assert.equal(count(after, (x) => x.rule === f.rule && inSpan(x)), 0, `${where}: silenced on its instruction`);
      assert.equal(count(after, (x) => x.rule === f.rule && !inSpan(x)), count(before, (x) => x.rule === f.rule && !(x.range.start.line >= inst.getRange().start.line && x.range.start.line <= inst.getRange().end.line)), `${where}: the rule still reports elsewhere`);
      // A rule may read comments as separators (consecutive-run does), so other rules may lose a
      // finding to the inserted comment, but never gain one.
      assert.ok(count(after, (x) => x.rule !== f.rule) <= count(before, (x) => x.rule !== f.rule), `${where}: no new findings from other rules`);
    }
    const file = dockerfileIgnoreFileEdit(doc, f);
    assert.ok(file, `${where}: a file pragma is offered`);
    const afterFile = TextDocument.applyEdits(doc, [file]);
    const fileFindings = analyse(afterFile);
    assert.equal(count(fileFindings, (x) => x.rule === f.rule), 0, `${where}: silenced in the file`);
    assert.equal(count(fileFindings, (x) => x.rule !== f.rule), count(before, (x) => x.rule !== f.rule), `${where}: other rules unaffected by the file pragma`);
    assert.deepEqual(directives(afterFile), directives(text), `${where}: parser directives intact`);
  }
  return checked;
}

test('ignore pragmas as inserted are honoured: tricky snippets', () => {
  let n = 0;
  for (const [name, text] of Object.entries(SNIPPETS)) n += checkDocument(name, text);
  assert.ok(n >= 8, `the snippets produce findings to check (got ${n})`);
});

test('ignore pragmas as inserted are honoured: findings of every rule in the corpus', (t) => {
  // Every fifth file: a spread over all corpus folders, at a fifth of the analysis time.
  const files = corpusFiles().filter((_, i) => i % 5 === 0);
  if (!files.length) return t.skip('../shared/corpus not present');
  let n = 0;
  const budget = new Map<string, number>();
  for (const [name, text] of files) n += checkDocument(name, text, budget);
  t.diagnostic(`${n} findings (${budget.size} rules) in ${files.length} corpus Dockerfiles checked`);
});

test('the file pragma after directives-only text starts a new line', () => {
  const doc = TextDocument.create('file:///d/Dockerfile', 'dockerfile', 1, '# syntax=docker/dockerfile:1');
  const f: Finding = { rule: 'x-rule', category: 'correctness', severity: 'error', hadolint: null, message: 'm', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
  const out = TextDocument.applyEdits(doc, [dockerfileIgnoreFileEdit(doc, f)!]);
  assert.equal(out, '# syntax=docker/dockerfile:1\n# pier-ignore-file x-rule -- reason\n');
});
