// The pure editor helpers: cursor paths, completion, hover and the outline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeCompletion } from '../../../server/src/analysis/compose/completion';
import { composeHover } from '../../../server/src/analysis/compose/hover';
import { composeSymbols } from '../../../server/src/analysis/compose/symbols';
import { cursorContext } from '../../../server/src/analysis/compose/yaml-path';

const DOC = [
  'services:', // 0
  '  web:', // 1
  '    image: nginx:1.27', // 2
  '    restart: ', // 3
  '    ports:', // 4
  '      - target: 80', // 5
  '        pro', // 6
  '    cap_add:', // 7
  '      - ', // 8
  '    logging:', // 9
  '      driver: ', // 10
  '    healthcheck:', // 11
  '      ', // 12
  '', // 13
].join('\n');

const labels = (line: number, character: number, text = DOC) => composeCompletion(text, { line, character }).map((c) => c.label);

test('cursor paths from indentation, through list items', () => {
  assert.deepEqual(cursorContext(DOC, { line: 3, character: 13 })?.path, ['services', 'web']);
  assert.equal(cursorContext(DOC, { line: 3, character: 13 })?.mode, 'value');
  assert.deepEqual(cursorContext(DOC, { line: 6, character: 11 })?.path, ['services', 'web', 'ports', 0]);
  assert.deepEqual(cursorContext(DOC, { line: 8, character: 8 })?.path, ['services', 'web', 'cap_add']);
  assert.deepEqual(cursorContext(DOC, { line: 12, character: 6 })?.path, ['services', 'web', 'healthcheck']);
  assert.equal(cursorContext('a: 1 # comment', { line: 0, character: 14 }), undefined);
});

test('completion: values, keys at the path, list items', () => {
  assert.deepEqual(labels(3, 13), ['unless-stopped', 'always', 'on-failure', 'no']);
  assert.ok(labels(6, 11).includes('protocol') && labels(6, 11).includes('published'));
  assert.ok(labels(8, 8).includes('NET_BIND_SERVICE'));
  assert.ok(labels(10, 14).includes('json-file') && labels(10, 14).includes('local'));
  const hc = labels(12, 6);
  assert.deepEqual([...hc].sort(), ['disable', 'interval', 'retries', 'start_interval', 'start_period', 'test', 'timeout']);
  const top = labels(0, 0, '\n');
  assert.ok(top.includes('services') && top.includes('networks') && top.includes('secrets'));
  // Service names are the user's to choose.
  assert.deepEqual(labels(1, 2, 'services:\n  \n'), []);
  const boolItems = composeCompletion('services:\n  web:\n    privileged: \n', { line: 2, character: 16 }).map((c) => c.label);
  assert.deepEqual(boolItems, ['true', 'false']);
  const keys = composeCompletion('services:\n  web:\n    image: x\n    res\n', { line: 3, character: 7 });
  const restart = keys.find((k) => k.label === 'restart')!;
  assert.equal(restart.insertText, 'restart: ');
  assert.deepEqual(restart.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } });
  assert.ok(!keys.some((k) => k.label === 'image'));
  assert.equal(keys.find((k) => k.label === 'deploy')!.insertText, 'deploy:');
});

test('hover: schema descriptions, resource names, variables', () => {
  const text = 'services:\n  web:\n    image: app:${TAG}\n    healthcheck:\n      interval: 10s\nnetworks:\n  front:\n';
  assert.match(composeHover(text, { line: 4, character: 8 })!.markdown, /Time between running the check/);
  assert.match(composeHover(text, { line: 1, character: 3 })!.markdown, /Service `web`/);
  assert.match(composeHover(text, { line: 6, character: 3 })!.markdown, /Network `front`/);
  assert.match(composeHover(text, { line: 2, character: 17 }, 'TAG=2.0\n')!.markdown, /`TAG` = `2\.0` \(from \.env\)/);
  assert.match(composeHover(text, { line: 2, character: 17 }, null)!.markdown, /not set in \.env/);
  assert.match(composeHover(text, { line: 0, character: 2 })!.markdown, /The services that will be used by your application/);
});

test('symbols: services, networks, volumes, secrets, configs', () => {
  const text = 'services:\n  web:\n    image: nginx:1.27\n  api:\n    build: ./api\nnetworks:\n  front:\nvolumes:\n  data:\nsecrets:\n  pw:\n    file: pw.txt\nconfigs:\n  conf:\n    file: c\n';
  const s = composeSymbols(text);
  assert.deepEqual(s.map((g) => `${g.name}: ${g.children.map((c) => c.name).join(',')}`), ['services: web,api', 'networks: front', 'volumes: data', 'secrets: pw', 'configs: conf']);
  assert.deepEqual(s[0].children.map((c) => c.detail), ['nginx:1.27', 'build: ./api']);
  assert.deepEqual(s[0].children[0].selectionRange, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
  assert.deepEqual(s[0].children[0].range.end, { line: 2, character: 21 });
  assert.deepEqual(composeSymbols('- a\n'), []);
});
