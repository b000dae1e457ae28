// The bounded ring the panel reads from, and the Compose merger that interleaves containers by time.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogRing, entrySize } from '../../client/src/edge/logs/ring';
import { TimeMerger } from '../../client/src/edge/logs/merge';
import type { LogEntry, LogLine } from '../../client/src/edge/logs/types';

const line = (n: number, over: Partial<LogLine> = {}): LogLine => ({
  kind: 'line',
  ts: `2026-11-26T06:00:00.${String(n).padStart(9, '0')}Z`,
  stream: 'stdout',
  text: `line ${n}`,
  container: 'c',
  name: 'c',
  ...over,
});

const texts = (es: LogEntry[]) => es.map((e) => (e.kind === 'line' ? e.text : `[${e.state}]`));

describe('log ring', () => {
  test('keeps the last N entries and counts what fell off the top', () => {
    const r = new LogRing(3);
    for (let i = 1; i <= 5; i++) r.push(line(i));
    assert.equal(r.size, 3);
    assert.equal(r.dropped, 2);
    assert.deepEqual(texts(r.all()), ['line 3', 'line 4', 'line 5']);
    assert.equal(r.firstSeq, 2);
    assert.equal(r.nextSeq, 5);
  });

  test('readers take what is new since their last sequence number, and learn what they missed', () => {
    const r = new LogRing(4);
    for (let i = 1; i <= 3; i++) r.push(line(i));
    const a = r.since(0);
    assert.deepEqual(texts(a.entries), ['line 1', 'line 2', 'line 3']);
    for (let i = 4; i <= 9; i++) r.push(line(i));
    const b = r.since(3);
    assert.equal(b.missed, 2);
    assert.equal(b.first, 5);
    assert.deepEqual(texts(b.entries), ['line 6', 'line 7', 'line 8', 'line 9']);
    assert.deepEqual(r.since(r.nextSeq).entries, []);
  });

  test('a byte cap drops old entries too, so a few huge lines cannot exhaust memory', () => {
    const big = 'x'.repeat(10_000);
    const r = new LogRing(1000, 3 * entrySize(line(0, { text: big })));
    for (let i = 0; i < 10; i++) r.push(line(i, { text: big }));
    assert.equal(r.size, 3);
    assert.ok(r.bytes <= 3 * entrySize(line(0, { text: big })));
    assert.equal(r.dropped, 7);
  });

  test('clear forgets entries; sequence numbers go on; resize keeps the newest', () => {
    const r = new LogRing(5);
    for (let i = 0; i < 5; i++) r.push(line(i));
    r.clear();
    assert.equal(r.size, 0);
    assert.equal(r.firstSeq, 5);
    assert.equal(r.dropped, 0);
    for (let i = 5; i < 10; i++) r.push(line(i));
    r.resize(2);
    assert.deepEqual(texts(r.all()), ['line 8', 'line 9']);
    assert.equal(r.firstSeq, 8);
    r.resize(10);
    r.push(line(10));
    assert.deepEqual(texts(r.all()), ['line 8', 'line 9', 'line 10']);
  });

  test('a million pushes through a small ring keep its size and order', () => {
    const r = new LogRing(1000);
    for (let i = 0; i < 1_000_000; i++) r.push(line(i % 1000, { text: String(i) }));
    assert.equal(r.size, 1000);
    assert.equal(r.dropped, 999_000);
    const all = r.all();
    assert.equal((all[0] as LogLine).text, '999000');
    assert.equal((all[999] as LogLine).text, '999999');
  });
});

/** A merger on a hand-driven clock; timers still run, so tests advance time and wait for them. */
function rig(o: { holdMs?: number; startMs?: number; maxHeld?: number } = {}) {
  let now = 1000;
  const out: LogEntry[] = [];
  const m = new TimeMerger((es) => out.push(...es), { ...o, now: () => now });
  return { m, out, advance: (ms: number) => (now += ms) };
}

describe('compose merger', () => {
  test('lines of two containers come out in time order once both have shown later lines', () => {
    const { m, out } = rig();
    m.start('a');
    m.start('b');
    m.push('a', [line(1, { name: 'a' }), line(4, { name: 'a' }), line(6, { name: 'a' })]);
    assert.deepEqual(texts(out), [], 'b has shown nothing yet');
    m.push('b', [line(2, { name: 'b' }), line(5, { name: 'b' })]);
    assert.deepEqual(texts(out), ['line 1', 'line 2', 'line 4', 'line 5']);
    m.close();
    assert.deepEqual(texts(out), ['line 1', 'line 2', 'line 4', 'line 5', 'line 6']);
  });

  test('a quiet container holds lines back at most holdMs', async () => {
    const { m, out, advance } = rig({ holdMs: 30, startMs: 0 });
    m.push('b', [line(0, { name: 'b' })]);
    m.push('a', [line(1, { name: 'a' })]);
    assert.deepEqual(texts(out), ['line 0']);
    advance(30);
    await new Promise<void>((resolve) => {
      const check = () => (out.length === 2 ? resolve() : setTimeout(check, 5));
      check();
    });
    assert.deepEqual(texts(out), ['line 0', 'line 1']);
    m.close();
  });

  test('equal timestamps keep their arrival order; states let out what is held first', () => {
    const { m, out } = rig();
    m.start('a');
    m.start('b');
    m.push('a', [line(1, { text: 'a1' })]);
    m.push('b', [line(1, { text: 'b1' })]);
    m.state({ kind: 'state', state: 'reconnecting', at: 0, message: 'x' });
    assert.deepEqual(texts(out), ['a1', 'b1', '[reconnecting]']);
    m.close();
  });

  test('a stalled source cannot make the merger hold more than maxHeld lines', () => {
    const { m, out } = rig({ maxHeld: 10 });
    m.start('quiet');
    m.start('busy');
    const many = Array.from({ length: 100 }, (_, i) => line(i));
    m.push('busy', many);
    assert.equal(m.heldCount, 10);
    assert.equal(out.length, 90);
    m.close();
  });

  test('a removed source no longer holds the others back', () => {
    const { m, out } = rig();
    m.start('a');
    m.start('gone');
    m.push('a', [line(1)]);
    assert.equal(out.length, 0);
    m.remove('gone');
    assert.equal(out.length, 1);
    m.close();
  });
});
