// 100,000 lines as fast as a lab container can print them, in follow mode: every one arrives, in
// order, while the panel's ring keeps only its cap (50,000) and counts the rest as dropped from
// the top; the heap stays bounded while the flood runs and the stream itself keeps nothing once
// the ring is let go. Also a hostile line (HTML, ANSI garbage, invalid UTF-8, 100 KB long) comes
// through as text, on the right stream.

import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import type { RuntimeInfo } from '../../client/src/edge/devices/probe';
import { LogRing, DEFAULT_MAX_ENTRIES } from '../../client/src/edge/logs/ring';
import { followLogs } from '../../client/src/edge/logs/stream';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { runRemote } from '../../client/src/edge/ssh/exec';
import type { SshPool } from '../../client/src/edge/ssh/pool';
import { useLab } from '../lab/harness';
import { busyboxRef, Collector, FLOOD_PRINTER, triggerFlood, openLabDevice } from './logs-helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// The log tests' own lab: another process may take the default lab down at any time.
const lab = useLab({ name: 'logs', devices: 1 });

describe('log stream under a flood and hostile lines', { skip: lab.skip, timeout: 600_000 }, () => {
  let pool: SshPool;
  let conn: SshConnection;
  let rt: RuntimeInfo;
  const names: string[] = [];

  before(async () => {
    ({ pool: pool, conn, rt } = await openLabDevice(lab.device()));
  });

  after(async () => {
    if (names.length) await runRemote(conn, ['docker', 'rm', '-f', ...names]).catch(() => undefined);
    pool?.closeAll();
  });

  test('100,000 lines in follow mode: all arrive in order; the ring keeps 50,000; memory bounded', async (t) => {
    const name = `pier-logs-flood-${process.pid}`;
    names.push(name);
    const COUNT = 100_000;
    await runRemote(conn, ['docker', 'run', '-d', '--name', name, '-e', `COUNT=${COUNT}`, busyboxRef(lab.device()), 'sh', '-c', FLOOD_PRINTER]);
    const base = heap();
    let ring: LogRing | undefined = new LogRing(DEFAULT_MAX_ENTRIES);
    const got = new Collector(false);
    let expected = 1;
    let outOfOrder: string | undefined;
    let peak = 0;
    let floodDone = false;
    got.onLine = (l) => {
      ring!.push(l);
      if (l.stream !== 'stdout') {
        floodDone ||= l.text === 'flood done';
        return;
      }
      const n = Number(/^seq=(\d+) /.exec(l.text)?.[1]);
      if (n !== expected && !outOfOrder) outOfOrder = `expected seq=${expected}, got ${JSON.stringify(l.text.slice(0, 40))}`;
      expected = n + 1;
      if (n % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const ac = new AbortController();
    const { done } = followLogs({ conn, runtime: rt, target: { kind: 'container', ref: name }, signal: ac.signal, onEntries: got.sink });
    try {
      await got.until('live', () => got.states('live').length > 0);
      const t0 = Date.now();
      await triggerFlood(conn, name);
      await got.until(`${COUNT} lines`, () => expected > COUNT || !!outOfOrder, 300_000);
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(outOfOrder, undefined);
      assert.equal(expected - 1, COUNT);
      await got.until('"flood done" on stderr', () => floodDone);
      assert.equal(ring.size, DEFAULT_MAX_ENTRIES);
      assert.equal(ring.dropped, COUNT + 1 - DEFAULT_MAX_ENTRIES);
      const withRing = heap() - base;
      ring = undefined;
      const without = heap() - base;
      t.diagnostic(`${COUNT} lines in ${seconds.toFixed(1)} s (${Math.round(COUNT / seconds)} lines/s, limited by the emulated printer); heap: peak +${mb(peak - base)}, ring of 50,000 kept +${mb(withRing)}, stream alone +${mb(without)}`);
      // The ring of 50,000 ~100-character lines is the only thing that grows with the flood...
      assert.ok(withRing < 80 * 1024 * 1024, `with the ring: ${mb(withRing)}`);
      // ...and the stream itself keeps nothing per line.
      assert.ok(without < 8 * 1024 * 1024, `stream alone: ${mb(without)}`);
      assert.ok(peak - base < 160 * 1024 * 1024, `peak: ${mb(peak - base)}`);
    } finally {
      ac.abort();
    }
    assert.equal((await done).reason, 'aborted');
  });

  test('stopping a stream of a quiet container ends the logs process on the device', async () => {
    const name = `pier-logs-quiet-${process.pid}`;
    names.push(name);
    await runRemote(conn, ['docker', 'run', '-d', '--name', name, busyboxRef(lab.device()), 'sh', '-c', 'echo one; exec sleep 3600']);
    const got = new Collector();
    const ac = new AbortController();
    const { done } = followLogs({ conn, runtime: rt, target: { kind: 'container', ref: name }, signal: ac.signal, onEntries: got.sink });
    await got.until('the line', () => got.kept().length === 1);
    const id = got.kept()[0].container;
    const followers = async () => (await runRemote(conn, ['sh', '-c', 'pgrep -f "^docker logs --timestamps --follow -- $1" || true', 'sh', id])).trim();
    assert.notEqual(await followers(), '', 'the follow runs on the device');
    ac.abort();
    assert.equal((await done).reason, 'aborted');
    // The channel closed, so the command on the device is gone (not left holding a session).
    assert.equal(await followers(), '');
  });

  test('a hostile line arrives as the exact text printed, on its own stream', async () => {
    const name = `pier-logs-hostile-${process.pid}`;
    names.push(name);
    // Printed with printf escapes so the command line itself stays plain.
    const script = [
      `printf '%s\\n' '<script>alert(1)</script><img src=x onerror=alert(2)>&amp;'`,
      `printf 'ansi \\033[31mred\\033[0m \\033[38;5;196mx\\033[48;2;1;2;3my\\033[999;;mz\\033[?25l\\033]0;title\\007 \\033[\\n'`,
      `printf 'bad \\377\\376 utf8 \\303\\n' >&2`,
      `awk 'BEGIN { s = "L"; for (i = 0; i < 17; i++) s = s s; print s }'`,
      'exec sleep 3600',
    ].join('; ');
    await runRemote(conn, ['docker', 'run', '-d', '--name', name, busyboxRef(lab.device()), 'sh', '-c', script]);
    const got = new Collector();
    const ac = new AbortController();
    const { done } = followLogs({ conn, runtime: rt, target: { kind: 'container', ref: name }, signal: ac.signal, onEntries: got.sink });
    try {
      await got.until('four lines', () => got.kept().length >= 4);
    } finally {
      ac.abort();
    }
    await done;
    const out = got.kept('stdout');
    const err = got.kept('stderr');
    assert.equal(out[0].text, '<script>alert(1)</script><img src=x onerror=alert(2)>&amp;');
    assert.equal(out[1].text, 'ansi \x1b[31mred\x1b[0m \x1b[38;5;196mx\x1b[48;2;1;2;3my\x1b[999;;mz\x1b[?25l\x1b]0;title\x07 \x1b[');
    // Invalid bytes become U+FFFD; the valid text around them is kept.
    assert.match(err[0].text, /^bad \uFFFD+ utf8 \uFFFD$/);
    // 131,072 characters, printed by Docker in 16 KiB parts: joined, then cut at the 64 Ki limit.
    assert.equal(out[2].text, 'L'.repeat(65_536));
    assert.equal(out[2].truncated, 131_072 - 65_536);
  });
});
