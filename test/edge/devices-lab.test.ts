// Devices against the lab: emulated arm64 and armv7 devices, each with its own network
// namespace, OpenSSH and Docker engine. Probe, doctor, a link cut during a command, and a jump
// through a second lab device. Needs root (CI runs it as root); skipped loudly otherwise.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labCut, labHeal, type LabDeviceAccess } from '../../client/src/edge/lab';
import { runDoctor } from '../../client/src/edge/devices/doctor';
import { listContainers, listImages } from '../../client/src/edge/devices/inventory';
import { probeDevice } from '../../client/src/edge/devices/probe';
import { DeviceError } from '../../client/src/edge/ssh/errors';
import { execRemote, runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshEndpoint, SshOptions, SshTarget } from '../../client/src/edge/ssh/target';
import { useLab } from '../lab/harness';
import { waitForState, waitUntil } from './helpers/wait';

const NAME = 'edgedev';
const lab = useLab({ name: NAME, devices: 2, arch: ['arm64', 'armv7'] });

function endpoint(d: LabDeviceAccess): SshEndpoint {
  return { host: d.host, port: d.port, user: d.user, identityFiles: [d.privateKeyPath], identitiesOnly: true };
}
function target(d: LabDeviceAccess, over: Partial<SshTarget> = {}): SshTarget {
  return { name: d.name, ...endpoint(d), jumps: [], ...over };
}
function options(d: LabDeviceAccess, over: Partial<SshOptions> = {}): SshOptions {
  // The lab's known_hosts is Pier's own here: strict, nothing is ever trusted on the fly.
  return { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null, connectTimeoutMs: 5_000, ...over };
}

// Lab commands (cut, heal) wait for each other across processes; a bound keeps a stuck lab from hanging the run.
describe('devices in the lab', { skip: lab.skip, timeout: 600_000 }, () => {
  test('probe of the arm64 device: linux/arm64, docker with its version, disk and memory', async () => {
    const d = lab.device('dev1');
    const pool = new SshPool(options(d));
    try {
      const p = await probeDevice(pool.get(target(d)));
      assert.equal(p.machine, 'aarch64');
      assert.equal(p.platform, 'linux/arm64');
      assert.equal(p.runtime?.name, 'docker');
      assert.equal(p.runtime?.access, 'direct');
      assert.match(p.runtime?.version ?? '', /^\d+\.\d+/);
      assert.match(p.runtime?.dataRoot ?? '', /dev1\/docker$/);
      assert.ok((p.runtime?.disk?.freeBytes ?? 0) > 0 && p.runtime!.disk!.freeBytes <= p.runtime!.disk!.totalBytes);
      assert.ok((p.memory?.totalBytes ?? 0) > 64 * 1024 ** 2);
      assert.ok(p.memory!.availableBytes > 0 && p.memory!.availableBytes <= p.memory!.totalBytes);
      assert.equal(p.runtime?.storageDriver, 'overlay2');
    } finally {
      pool.closeAll();
    }
  });

  test('probe of the armv7 device: linux/arm/v7', async () => {
    const d = lab.device('dev2');
    const pool = new SshPool(options(d));
    try {
      const p = await probeDevice(pool.get(target(d)));
      assert.equal(p.machine, 'armv7l');
      assert.equal(p.platform, 'linux/arm/v7');
      assert.equal(p.runtime?.name, 'docker');
      assert.match(p.runtime?.version ?? '', /^\d+\.\d+/);
    } finally {
      pool.closeAll();
    }
  });

  test("lists the device's containers and images for the tree", async () => {
    const d = lab.device('dev1');
    const pool = new SshPool(options(d));
    const conn = pool.get(target(d));
    const tag = `pier-edge-test/empty:${process.pid}`;
    const name = `pier-edge-inv-${process.pid}`;
    try {
      const p = await probeDevice(conn);
      // An empty image made on the device itself (no registry needed), and a container created from it.
      await runRemote(conn, ['sh', '-c', 'tar cf - -T /dev/null | docker import - "$1" >/dev/null && docker create --name "$2" "$1" /x >/dev/null', 'sh', tag, name]);
      const cs = await listContainers(conn, p.runtime!);
      const c = cs.find((x) => x.name === name);
      assert.ok(c, JSON.stringify(cs));
      assert.equal(c.state, 'created');
      assert.equal(c.image, tag);
      assert.ok((await listImages(conn, p.runtime!)).some((i) => i.ref === tag));
    } finally {
      await execRemote(conn, ['sh', '-c', 'docker rm -f "$1"; docker rmi "$2"', 'sh', name, tag]).catch(() => undefined);
      pool.closeAll();
    }
  });

  test('doctor on a lab device reads the engine and gives each finding a fix', async () => {
    const d = lab.device('dev1');
    const pool = new SshPool(options(d));
    try {
      const r = await runDoctor(pool.get(target(d)));
      const checks = r.findings.map((f) => f.check);
      // The lab's engines run with Docker's defaults: json-file without max-size, live-restore off.
      assert.ok(checks.includes('log-rotation'), checks.join(','));
      assert.ok(checks.includes('live-restore'), checks.join(','));
      assert.ok(!checks.includes('storage-driver'), 'overlay2 is fine');
      assert.ok(!checks.includes('tcp-without-tls'), 'the lab engine listens on a unix socket only');
      assert.ok(!checks.includes('runtime'));
      for (const f of r.findings) assert.ok(f.fix.length > 10 && f.title && f.detail, JSON.stringify(f));
    } finally {
      pool.closeAll();
    }
  });

  test('a link cut during a command gives a clear typed error, then the connection comes back after heal', async () => {
    const d = lab.device('dev1');
    const pool = new SshPool(options(d, { keepaliveIntervalMs: 400, keepaliveCountMax: 2, reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, maxAttempts: Infinity } }));
    const conn = pool.get(target(d));
    try {
      const running = execRemote(conn, ['sh', '-c', 'echo started; exec sleep 120']);
      await waitUntil(async () => (await runRemote(conn, ['sh', '-c', 'pgrep -x sleep || true'])).trim() !== '');
      await labCut('dev1', NAME);
      try {
        await assert.rejects(running, (e: unknown) => {
          assert.ok(e instanceof DeviceError, String(e));
          assert.equal(e.kind, 'connection-lost');
          return true;
        });
        await waitForState(conn, (s) => s.status === 'reconnecting', 20_000);
      } finally {
        await labHeal('dev1', NAME);
      }
      await waitForState(conn, (s) => s.status === 'connected', 60_000);
      assert.equal(await runRemote(conn, ['uname', '-m']), 'aarch64\n');
    } finally {
      pool.closeAll();
    }
  });

  test('reaches a device through another lab device as jump host', async () => {
    const dev1 = lab.device('dev1');
    const dev2 = lab.device('dev2');
    const pool = new SshPool(options(dev1));
    try {
      const out = await runRemote(pool.get(target(dev1, { name: 'dev1-via-dev2', jumps: [endpoint(dev2)] })), ['sh', '-c', 'echo "$SSH_CONNECTION"; uname -m']);
      const [conn, machine] = out.trim().split('\n');
      assert.equal(conn.split(' ')[0], dev2.host, 'the device saw the connection come from the jump host');
      assert.equal(machine, 'aarch64');
    } finally {
      pool.closeAll();
    }
  });
});
