// The link to a real sshd breaking: the server side of the connection killed mid-command, or
// frozen so only keepalive can notice; then automatic reconnect. Also unreachable and silent hosts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeviceError } from '../../client/src/edge/ssh/errors';
import { execRemote, runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { ConnectionState } from '../../client/src/edge/ssh/connection';
import { freePort, startSshd, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';
import { waitForState, waitUntil } from './helpers/wait';

/** PIDs of the sshd processes that serve our connections (children of the listener we started). */
function sessionPids(sshd: TestSshd): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(sshd.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('link loss and reconnect against a real sshd', () => {
  let sshd: TestSshd;
  let pool: SshPool;
  let pierKh: string;
  before(async () => {
    sshd = await startSshd();
    pierKh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(pierKh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    pool = new SshPool(
      optionsIn(sshd.dir, {
        hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh },
        keepaliveIntervalMs: 300,
        keepaliveCountMax: 2,
        reconnect: { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 30 },
      }),
    );
  });
  after(async () => {
    pool?.closeAll();
    await sshd?.stop();
  });

  it('fails a running command with connection-lost when the link breaks, then reconnects', async () => {
    const conn = pool.get(targetFor(sshd, { name: 'cut' }));
    const states: ConnectionState['status'][] = [];
    conn.onState((s) => states.push(s.status));
    const before = (await runRemote(conn, ['sh', '-c', 'echo $SSH_CONNECTION'])).split(' ')[1];
    const running = execRemote(conn, ['sh', '-c', 'echo started; exec sleep 60']);
    await waitUntil(async () => (await runRemote(conn, ['sh', '-c', 'pgrep -x sleep || true'])).trim() !== '');
    const pids = sessionPids(sshd);
    assert.ok(pids.length >= 1);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    await assert.rejects(running, (e: unknown) => {
      assert.ok(e instanceof DeviceError, String(e));
      assert.equal(e.kind, 'connection-lost');
      assert.match(e.message, /lost while a command ran/);
      return true;
    });
    await waitForState(conn, (s) => s.status === 'connected');
    assert.ok(states.includes('reconnecting'), states.join(','));
    const after = (await runRemote(conn, ['sh', '-c', 'echo $SSH_CONNECTION'])).split(' ')[1];
    assert.notEqual(after, before, 'a new TCP connection was made');
  });

  it('notices a frozen link by keepalive and reconnects', async () => {
    const conn = pool.get(targetFor(sshd, { name: 'frozen' }));
    await conn.connect();
    const old = sessionPids(sshd);
    // Freeze the server side: no answers, no FIN, like a dropped Wi-Fi link.
    for (const pid of old) process.kill(pid, 'SIGSTOP');
    try {
      const s = await waitForState(conn, (s) => s.status === 'reconnecting');
      assert.equal(s.status === 'reconnecting' && s.lastError.kind, 'connection-lost');
      await waitForState(conn, (s) => s.status === 'connected');
      assert.equal(await runRemote(conn, ['echo', 'back']), 'back\n');
    } finally {
      for (const pid of old) {
        process.kill(pid, 'SIGKILL');
      }
    }
  });

  it('commands issued while reconnecting wait for the link and then run', async () => {
    const conn = pool.get(targetFor(sshd, { name: 'queued' }));
    await conn.connect();
    for (const pid of sessionPids(sshd)) process.kill(pid, 'SIGTERM');
    await waitForState(conn, (s) => s.status === 'reconnecting');
    assert.equal(await runRemote(conn, ['echo', 'queued']), 'queued\n');
  });

  it('says unreachable for a port where nothing listens', async () => {
    const port = await freePort();
    const conn = pool.get(targetFor(sshd, { name: 'nobody', port }));
    await assert.rejects(conn.connect(), (e: unknown) => {
      assert.ok(e instanceof DeviceError);
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    assert.equal(conn.state.status, 'failed');
  });

  it('says timeout for a host that accepts TCP but never speaks SSH', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const quick = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh }, connectTimeoutMs: 400 }));
    try {
      await assert.rejects(quick.get(targetFor(sshd, { name: 'silent', port })).connect(), (e: unknown) => e instanceof DeviceError && e.kind === 'timeout' && e.retryable);
    } finally {
      quick.closeAll();
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('gives up after the configured attempts and reports failed with the reason', async () => {
    const other = await startSshd();
    const kh = join(other.dir, 'kh');
    await writeFile(kh, `[127.0.0.1]:${other.port} ${other.hostKey.pub}\n`);
    const few = new SshPool(optionsIn(other.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: kh }, reconnect: { initialDelayMs: 10, maxDelayMs: 40, maxAttempts: 3 } }));
    try {
      const conn = few.get(targetFor(other, { name: 'gone' }));
      await conn.connect();
      // The listener goes first, so reconnecting finds nobody; then the session it left behind.
      const sessions = sessionPids(other);
      await other.stop();
      for (const pid of sessions) process.kill(pid, 'SIGTERM');
      const s = await waitForState(conn, (s) => s.status === 'failed');
      assert.equal(s.status === 'failed' && s.error.kind, 'unreachable');
    } finally {
      few.closeAll();
      await other.stop();
    }
  });
});
