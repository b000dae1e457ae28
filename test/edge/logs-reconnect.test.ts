// The log stream against a lab device, with real parts only: a container printing numbered lines
// at 200 lines/s; the link cut for 5 s and healed; the container restarted; the container replaced
// by a new one of the same name. The collected sequence must be 1..N exactly once, in order, on
// stdout, and the stderr ticks likewise, with the state changes shown inline.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labCut, labHeal } from '../../client/src/edge/lab';
import type { RuntimeInfo } from '../../client/src/edge/devices/probe';
import { followLogs } from '../../client/src/edge/logs/stream';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import { useLab } from '../lab/harness';
import { busyboxRef, Collector, firstMismatch, labOptions, labTarget, NUMBERED_PRINTER, numbers, openLabDevice } from './logs-helpers';

// A lab of its own: this file cuts the link.
const LAB = 'logs';
const lab = useLab({ name: LAB, devices: 1 });

describe('log stream across a link cut, a restart and a replace', { skip: lab.skip, timeout: 600_000 }, () => {
  let control: SshPool;
  let conn: SshConnection;
  let rt: RuntimeInfo;
  const name = `pier-logs-seq-${process.pid}`;
  const volume = `pier-logs-seq-${process.pid}`;

  before(async () => {
    ({ pool: control, conn, rt } = await openLabDevice(lab.device()));
  });

  after(async () => {
    await runRemote(conn, ['sh', '-c', 'docker rm -f "$1" >/dev/null 2>&1; docker volume rm "$2" >/dev/null 2>&1; true', 'sh', name, volume]).catch(() => undefined);
    control?.closeAll();
  });

  const runPrinter = () => runRemote(conn, ['docker', 'run', '-d', '--name', name, '-v', `${volume}:/data`, '-e', 'RATE=200', busyboxRef(lab.device()), 'sh', '-c', NUMBERED_PRINTER]);

  test('numbers 1..N exactly once, in order, with the states inline', async (t) => {
    const d = lab.device();
    await runPrinter();
    // The stream's own connection notices a dead link within about a second and retries quickly.
    const pool = new SshPool(labOptions(d, { keepaliveIntervalMs: 500, keepaliveCountMax: 2, connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 1_000 } }));
    const ac = new AbortController();
    const got = new Collector();
    const { done } = followLogs({ conn: pool.get(labTarget(d)), runtime: rt, target: { kind: 'container', ref: name }, signal: ac.signal, onEntries: got.sink, retry: { initialDelayMs: 200, maxDelayMs: 1_000 } });
    const maxSeq = () => (got.lastLine?.stream === 'stdout' ? Number(/^seq=(\d+)/.exec(got.lastLine.text)?.[1] ?? 0) : Math.max(0, ...numbers(got.kept('stdout').slice(-5))));
    const t0 = Date.now();
    const phases: string[] = [];
    const phase = (what: string) => phases.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    try {
      await got.until('the first 200 lines', () => maxSeq() >= 200);

      phase('cut');
      // 1. The link goes down for 5 s.
      const cutAt = Date.now();
      await labCut('dev1', LAB);
      try {
        await got.until('the reconnecting state', () => got.states('reconnecting').length > 0, 20_000);
        // The cut lasts 5 s from its start: the scenario's duration, not a wait for a condition.
        await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - cutAt))));
      } finally {
        await labHeal('dev1', LAB);
      }
      const atHeal = maxSeq();
      await got.until('live again after the cut', () => got.states('live').length >= 2, 60_000);
      // At 200 lines/s the cut alone left about 1,000 lines to fetch again.
      await got.until('lines printed after the heal', () => maxSeq() >= atHeal + 1200);
      const reconnecting = got.states('reconnecting')[0];
      assert.match(reconnecting.message, /reconnecting since \d\d:\d\d:\d\d/);

      phase('restart');
      // 2. The same container restarts (same ID).
      const beforeRestart = maxSeq();
      await runRemote(conn, ['docker', 'restart', '-t', '10', name]);
      await got.until('the restarted state', () => got.states('restarted').length >= 1, 60_000);
      await got.until('lines after the restart', () => maxSeq() >= beforeRestart + 400);

      phase('replace');
      // 3. The container is replaced: stopped, removed, and a new one started under the same name.
      const beforeReplace = maxSeq();
      await runRemote(conn, ['docker', 'stop', '-t', '10', name]);
      await runRemote(conn, ['docker', 'rm', name]);
      await runPrinter();
      await got.until('the replaced state', () => got.states('restarted').some((s) => /replaced: new container/.test(s.message)), 60_000);
      await got.until('lines of the new container', () => maxSeq() >= beforeReplace + 400);

      phase('stop');
      // 4. Stop for good; every number the printer recorded must have arrived.
      await runRemote(conn, ['docker', 'stop', '-t', '10', name]);
      // The count the printer recorded, read from the volume on the device (the device's own files).
      const last = Number((await runRemote(conn, ['sh', '-c', 'cat "$(docker volume inspect --format "{{.Mountpoint}}" "$1")/n"', 'sh', volume])).trim());
      // The waits above guarantee at least this many numbers; the load of the machine sets the rest.
      assert.ok(last >= beforeReplace + 400, `printer reached ${last}`);
      await got.until(`line ${last}`, () => maxSeq() >= last, 60_000);
      // The container still exists, so the stream says it stopped (the replace above may have
      // been quick enough for the stream to see no container at all, and say "waiting" instead).
      await got.until('the stopped state', () => got.states('stopped').length > 0, 30_000);
      phase('end');
    } finally {
      ac.abort();
    }
    const end = await done;
    pool.closeAll();

    const seq = numbers(got.kept('stdout'));
    const want = Array.from({ length: seq.length ? Math.max(...seq) : 0 }, (_, i) => i + 1);
    assert.equal(firstMismatch(seq, want), undefined, 'stdout is 1..N exactly once, in order');
    const ticks = numbers(got.kept('stderr'), 'tick');
    assert.equal(firstMismatch(ticks, want.filter((n) => n % 100 === 0)), undefined, 'stderr ticks are complete and apart from stdout');
    assert.ok(got.kept('stdout').every((l) => l.text.startsWith('seq=')), 'no stderr line on stdout');
    assert.ok(got.kept('stderr').every((l) => l.text.startsWith('tick=')), 'no stdout line on stderr');
    assert.equal(end.reason, 'aborted');
    // The boundary was really crossed with overlap: duplicates were fetched again and dropped.
    assert.ok(end.duplicatesDropped > 0, `duplicates dropped: ${end.duplicatesDropped}`);
    const kinds = got.states().map((s) => s.state);
    for (const k of ['connecting', 'live', 'reconnecting', 'stopped', 'restarted'] as const) assert.ok(kinds.includes(k), `state ${k} in ${kinds.join(',')}`);
    // The states sit in the stream where they happened: "reconnecting" after line 200, before the last line.
    const idx = got.entries.findIndex((e) => e.kind === 'state' && e.state === 'reconnecting');
    assert.ok(idx > 200 && idx < got.entries.length - 1);
    t.diagnostic(phases.join(', '));
    t.diagnostic(`lines ${seq.length}, duplicates dropped ${end.duplicatesDropped}, states: ${got.states().map((s) => s.message).join(' | ')}`);
  });
});
