// The schema layer: the vendored file is the Compose Specification schema, it compiles once,
// and ajv's errors become one readable message at the right key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeValidator, schemaCompileMs, validateCompose } from '../../../server/src/analysis/compose/schema';
import { describe, enumValues, propertiesOf, schemasAt } from '../../../server/src/analysis/compose/schema-nav';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import { corpusFiles } from '../../corpus-files';

const noSeq = () => false;

test('the vendored schema is the full specification (descriptions, recent keys)', () => {
  const text = readFileSync(join(__dirname, '../../../server/src/analysis/compose/schema/compose-spec.json'), 'utf8');
  assert.equal(text.length, 76648, 'unchanged copy of the upstream file');
  const service = propertiesOf(schemasAt(['services', 'web'])).map((p) => p.name);
  for (const k of ['develop', 'healthcheck', 'use_api_socket', 'post_start', 'gpus', 'models', 'provider']) assert.ok(service.includes(k), k);
  assert.match(describe(schemasAt(['services', 'web', 'restart']))!, /Restart policy/);
  assert.deepEqual(enumValues(schemasAt(['services', 'web', 'depends_on', 'db', 'condition'])), ['service_started', 'service_healthy', 'service_completed_successfully']);
});

test('compiled once per process', () => {
  const a = composeValidator();
  const ms = schemaCompileMs();
  assert.ok(ms !== undefined && ms > 0);
  assert.equal(composeValidator(), a);
  assert.equal(schemaCompileMs(), ms);
});

test('every corpus compose file is valid against the schema', () => {
  for (const f of corpusFiles('compose')) {
    const schemaErrors = analyzeCompose(f.text).filter((x) => x.rule === 'compose-schema');
    assert.deepEqual(schemaErrors.map((e) => e.message), [], f.name);
  }
});

test('oneOf/anyOf noise collapses to one message per value', () => {
  const p = validateCompose({ services: { web: { image: 'x', build: 5, networks: { front: 5 }, depends_on: { db: { condition: 'x' } } } } }, noSeq);
  const messages = p.map((x) => x.message).sort();
  assert.deepEqual(messages, [
    '`build` must be a string or a mapping.',
    '`condition` must be one of: service_started, service_healthy, service_completed_successfully.',
    '`front` must be a mapping or empty.',
  ]);
});

test('errors point at the offending key path', () => {
  const p = validateCompose({ services: { web: { image: 'x', imgae: 'y' } }, servies: {} }, noSeq);
  const at = p.map((x) => x.at.path.join('.')).sort();
  assert.deepEqual(at, ['services.web.imgae', 'servies']);
  assert.match(p.find((x) => x.at.path[0] === 'servies')!.message, /did you mean `services`/);
});

test('required properties and list duplicates read as sentences', () => {
  const p = validateCompose({ services: { web: { image: 'x', depends_on: { db: { restart: true } }, ports: ['80:80', '80:80'] } } }, (path) => path[path.length - 1] === 'ports');
  const msgs = p.map((x) => x.message);
  assert.ok(msgs.includes('`db` is missing the required `condition`.'), msgs.join('\n'));
  assert.ok(msgs.some((m) => /`ports` lists the same item twice \(items 1 and 2\)/.test(m)), msgs.join('\n'));
  assert.deepEqual(p.find((x) => /same item/.test(x.message))!.at.path, ['services', 'web', 'ports', 1]);
});

test('the schema finding ranges land on keys in the text', () => {
  const text = 'services:\n  web:\n    image: nginx\n    logging:\n      driver: json-file\n      optons:\n        max-size: 10m\n';
  const f = analyzeCompose(text).filter((x) => x.rule === 'compose-schema');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].range, { start: { line: 5, character: 6 }, end: { line: 5, character: 12 } });
  assert.match(f[0].message, /`optons` is not allowed in `logging`; did you mean `options`\?/);
});
