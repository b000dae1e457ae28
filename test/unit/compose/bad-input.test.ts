// Bad input: clear findings, no exception, no hang, bounded work for alias bombs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import { composeCompletion } from '../../../server/src/analysis/compose/completion';
import { composeHover } from '../../../server/src/analysis/compose/hover';
import { composeSymbols } from '../../../server/src/analysis/compose/symbols';

function run(text: string) {
  const logs: string[] = [];
  const findings = analyzeCompose(text, { log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], 'no rule failed');
  return findings;
}

const rules = (text: string) => run(text).map((f) => f.rule);

test('invalid YAML gives yaml-syntax errors at the place, and no schema noise', () => {
  const f = run('services:\n  web:\n    image: "nginx\n    ports: [80\n');
  assert.ok(f.some((x) => x.rule === 'yaml-syntax'));
  assert.ok(!f.some((x) => x.rule === 'compose-schema'));
});

test('a top-level list, a scalar, an empty file, a document stream', () => {
  assert.ok(rules('- a\n- b\n').includes('yaml-syntax'));
  assert.ok(rules('just text\n').includes('yaml-syntax'));
  assert.deepEqual(rules(''), []);
  assert.deepEqual(rules('\n\n# nothing\n'), []);
  assert.ok(rules('services: {}\n---\nservices: {}\n').includes('yaml-syntax'), 'several documents are not a Compose file');
});

test('tabs used for indentation', () => {
  const f = run('services:\n\tweb:\n\t\timage: nginx:1.27\n');
  assert.ok(f.filter((x) => x.rule === 'yaml-syntax').every((x) => /Tabs/.test(x.message)));
});

test('anchors, aliases and merge keys are followed by the rules', () => {
  const text = [
    'x-svc: &svc',
    '  restart: unless-stopped',
    '  mem_limit: 256m',
    '  logging: &log',
    '    driver: json-file',
    '    options: { max-size: "10m" }',
    '  healthcheck:',
    '    test: ["CMD", "true"]',
    'services:',
    '  a:',
    '    <<: *svc',
    '    image: app:1',
    '  b:',
    '    <<: [*svc]',
    '    image: app:1',
    '    logging: *log',
    '',
  ].join('\n');
  assert.deepEqual(rules(text), []);
});

test('alias bombs are bounded: one finding, no expansion', () => {
  let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < 30; i++) bomb += `l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]\n`;
  bomb += 'services:\n  web:\n    image: *l29\n';
  const t0 = process.hrtime.bigint();
  const f = run(bomb);
  assert.ok(f.some((x) => x.rule === 'yaml-syntax' && /alias bomb/.test(x.message)));
  assert.ok(!f.some((x) => x.rule === 'compose-schema'));
  // Not a timing assertion: the point is that the call returns at all (9^29 nodes otherwise).
  assert.ok(process.hrtime.bigint() > t0);
  composeSymbols(bomb);
  composeHover(bomb, { line: 31, character: 13 });
  composeCompletion(bomb, { line: 31, character: 4 });
});

test('merge-key bombs (<< chains) are bounded too', () => {
  let text = 'x0: &m0 {a: 1, b: 2}\n';
  for (let i = 1; i < 25; i++) text += `x${i}: &m${i}\n  <<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]\n  k${i}: ${i}\n`;
  text += 'services:\n  web:\n    <<: *m24\n    image: app:1\n';
  const f = run(text);
  assert.ok(Array.isArray(f));
});

test('a 5 MB file is analysed without error', () => {
  const parts = ['services:'];
  let size = 10;
  for (let i = 0; size < 5 * 1024 * 1024; i++) {
    const s = `  svc${i}:\n    image: example/app:1.${i}\n    ports:\n      - "${10000 + i}:80"\n    command: "${'run --flag '.repeat(400)}"\n`;
    parts.push(s);
    size += s.length;
  }
  const text = parts.join('\n');
  assert.ok(text.length >= 5 * 1024 * 1024);
  const f = run(text);
  assert.ok(f.some((x) => x.rule === 'service-no-restart' && x.range.start.line > 5000), 'the end of the file is analysed too');
});

test('binary junk and lone surrogates', () => {
  run('\u0000\u0001\u0002services:\n');
  run('services:\n  web:\n    image: "\ud800"\n');
  run('\ufeffservices:\n  web:\n    image: nginx:1.27\n');
});
