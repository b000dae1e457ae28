// How `pier logs` writes entries as text: which output each goes to, timestamps, service prefixes
// with and without colour, states between the lines, and a cut line said as cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEntry } from '../../client/src/cli/logs';
import type { LogLine, LogState } from '../../client/src/edge/logs/types';

const line = (over: Partial<LogLine> = {}): LogLine => ({ kind: 'line', ts: '2026-11-26T08:00:00.123456789Z', stream: 'stdout', text: 'hello <b>', container: 'abcdef012345', name: 'app', ...over });
const state: LogState = { kind: 'state', state: 'reconnecting', at: 0, message: 'connection to dev1 lost; reconnecting since 08:00:01' };
const first = () => 0;

test('a line goes to the stream it came from, as printed', () => {
  assert.deepEqual(formatEntry(line(), { timestamps: false, source: false, color: false }, first), { out: 'stdout', text: 'hello <b>' });
  assert.deepEqual(formatEntry(line({ stream: 'stderr' }), { timestamps: false, source: false, color: false }, first), { out: 'stderr', text: 'hello <b>' });
});

test('timestamps and service prefixes, coloured only when asked', () => {
  const f = formatEntry(line({ service: 'api' }), { timestamps: true, source: true, color: false }, first);
  assert.equal(f.text, '2026-11-26T08:00:00.123456789Z api | hello <b>');
  const c = formatEntry(line({ service: 'db' }), { timestamps: false, source: true, color: true }, () => 1);
  assert.equal(c.text, '\x1b[33mdb |\x1b[0m hello <b>');
  // Without a service (a plain container in a merged view) the container name is the prefix.
  assert.equal(formatEntry(line(), { timestamps: false, source: true, color: false }, first).text, 'app | hello <b>');
});

test('states go to stderr between the lines; a cut line says how much was cut', () => {
  assert.deepEqual(formatEntry(state, { timestamps: false, source: false, color: false }, first), { out: 'stderr', text: `-- ${state.message} --` });
  assert.equal(formatEntry(state, { timestamps: false, source: false, color: true }, first).text, `\x1b[2m-- ${state.message} --\x1b[0m`);
  assert.equal(formatEntry(line({ truncated: 70_000 }), { timestamps: false, source: false, color: false }, first).text, 'hello <b> [... 70000 characters cut by Pier]');
});
