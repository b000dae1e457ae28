import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, parseDotenv } from '../../../server/src/analysis/compose/interpolation';

const vars = new Map([
  ['SET', 'value'],
  ['EMPTY', ''],
]);

test('interpolation forms with known variables', () => {
  const cases: Array<[string, string]> = [
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a-${SET}-b', 'a-value-b'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${SET:-d}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${SET:?needed}', 'value'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['${EMPTY:-${SET}}', 'value'],
    ['${EMPTY:-x${EMPTY:-y}z}', 'xyz'],
    ['no dollars', 'no dollars'],
  ];
  for (const [t, want] of cases) {
    const r = interpolate(t, vars);
    assert.equal(r.value, want, t);
    assert.deepEqual(r.errors, [], t);
    assert.equal(r.complete, true, t);
  }
});

test('unknown variables: defaults are used and the result is marked incomplete', () => {
  const r = interpolate('app:${TAG:-latest}', vars);
  assert.equal(r.value, 'app:latest');
  assert.equal(r.complete, false);
  assert.deepEqual(r.unknown, ['TAG']);
  assert.deepEqual(r.defaulted, ['TAG']);
  // With no .env known at all, every variable is unknown.
  assert.deepEqual(interpolate('${SET}', undefined).unknown, ['SET']);
  assert.equal(interpolate('${X:?must be set}', vars).value, '');
});

test('syntax errors Compose rejects, with offsets', () => {
  const bad: Array<[string, number]> = [
    ['echo $1', 5],
    ['cost: 5$', 7],
    ['${', 0],
    ['a ${1x}', 2],
    ['${X!y}', 0],
    ['$(cat x)', 0],
  ];
  for (const [t, at] of bad) {
    const r = interpolate(t, vars);
    assert.equal(r.errors.length, 1, t);
    assert.equal(r.errors[0].offset, at, t);
  }
});

test('.env parsing: quotes, comments, export, references to earlier lines', () => {
  const v = parseDotenv('# comment\nA=1\nexport B="two words"\nC=${A}-x\nD=\'${A}\'\nE=\n');
  assert.equal(v.get('A'), '1');
  assert.equal(v.get('B'), 'two words');
  assert.equal(v.get('C'), '1-x');
  assert.equal(v.get('D'), '${A}', 'single quotes are literal');
  assert.equal(v.get('E'), '');
  assert.equal(parseDotenv('\u0000garbage\n=\n').size >= 0, true);
});
