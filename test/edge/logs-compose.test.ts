// A Compose project with more services than one SSH connection has channels for: the stream
// follows all of them (two on the shared connection, the rest on connections of its own), the
// shared connection still runs commands while they follow, every service's lines arrive complete
// and interleaved by time, and stopping the stream ends every `logs` process on the device.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RuntimeInfo } from '../../client/src/edge/devices/probe';
import { followLogs, FOLLOWS_PER_CONNECTION, SHARED_CONNECTION_FOLLOWS } from '../../client/src/edge/logs/stream';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { execRemote, runRemote } from '../../client/src/edge/ssh/exec';
import type { SshPool } from '../../client/src/edge/ssh/pool';
import { useLab } from '../lab/harness';
import { busyboxRef, Collector, openLabDevice, pacedPrinter } from './logs-helpers';

const lab = useLab({ name: 'logs', devices: 1 });

// Each service waits for a fifo to be written (so every follow is live first), then prints LINES
// numbered lines 20 ms apart, then idles.
const PRINTER = pacedPrinter('$SVC seq=$i', 0.02);

describe('log stream of a Compose project with many services', { skip: lab.skip, timeout: 300_000 }, () => {
  let pool: SshPool;
  let conn: SshConnection;
  let rt: RuntimeInfo;
  const project = `pierlogs${process.pid}`;
  const SERVICES = 9;
  const LINES = 60;
  const names = Array.from({ length: SERVICES }, (_, i) => `${project}-s${i + 1}-1`);

  before(async () => {
    // The connection's default channel limit (6): nine follows on it alone would starve it.
    ({ pool: pool, conn, rt } = await openLabDevice(lab.device()));
  });

  after(async () => {
    await runRemote(conn, ['docker', 'rm', '-f', ...names]).catch(() => undefined);
    pool?.closeAll();
  });

  test(`${SERVICES} services: all lines, interleaved, the shared connection free for commands, nothing left running`, async () => {
    const image = busyboxRef(lab.device());
    for (let i = 0; i < SERVICES; i++) {
      const svc = `s${i + 1}`;
      // Compose's own labels make these a project as far as any runtime tool is concerned.
      await runRemote(conn, ['docker', 'run', '-d', '--name', names[i], '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${svc}`, '-e', `SVC=${svc}`, '-e', `LINES=${LINES}`, image, 'sh', '-c', PRINTER]);
    }
    const got = new Collector();
    const ac = new AbortController();
    const { stream, done } = followLogs({ conn, runtime: rt, target: { kind: 'compose', project }, signal: ac.signal, onEntries: got.sink, rescanMs: 1_000 });
    try {
      await got.until('live', () => got.states('live').length > 0, 60_000);
      // All at once, from one shell on the device.
      await runRemote(conn, ['sh', '-c', 'for n in "$@"; do docker exec "$n" sh -c "echo go > /tmp/go" & done; wait', 'sh', ...names]);
      await got.until('every line of every service', () => got.kept().length >= SERVICES * LINES, 120_000);
      // While nine follows run, the shared connection still runs a command at once.
      const ps = await execRemote(conn, ['docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
      assert.equal(ps.code, 0);
      assert.equal(ps.stdout.toString().trim().split('\n').length, SERVICES);
      assert.equal(stream.connections, 1 + Math.ceil((SERVICES - SHARED_CONNECTION_FOLLOWS) / FOLLOWS_PER_CONNECTION));
    } finally {
      ac.abort();
    }
    assert.equal((await done).reason, 'aborted');

    const lines = got.kept();
    assert.equal(lines.length, SERVICES * LINES, 'no line twice');
    for (let i = 0; i < SERVICES; i++) {
      const svc = `s${i + 1}`;
      const mine = lines.filter((l) => l.service === svc).map((l) => l.text);
      assert.deepEqual(mine, Array.from({ length: LINES }, (_, k) => `${svc} seq=${k + 1}`), `service ${svc} complete and in order`);
    }
    // Interleaved, not one service after another (the order by time is the merger's unit tests').
    const switches = lines.filter((l, k) => k > 0 && l.service !== lines[k - 1].service).length;
    assert.ok(switches > SERVICES * 2, `services interleave (${switches} switches)`);
    // Every follow's session ended with the stream (the extra connections were closed).
    const left = await runRemote(conn, ['sh', '-c', 'pgrep -f "^docker logs --timestamps" || true']);
    assert.equal(left.trim(), '', 'no docker logs process left on the device');
  });
});
