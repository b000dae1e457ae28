// Shipping to an emulated arm64 device of the lab (its own sshd and Docker engine): the first ship
// pulls every layer through the tunnel, nothing changed sends nothing, one changed file sends one
// layer; a wrong platform and a full disk are refused before sending; a cancel leaves the device
// as it was; a cut link is survived; a device that forbids forwarding gets a load. One lab for
// the file, small images. Needs root; skipped loudly otherwise.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { buildImage } from '../../client/src/edge/build/build';
import { probeDevice } from '../../client/src/edge/devices/probe';
import { docker, ensureBaseImages, BUILD_SOCKET, labHeal, labRate, type LabDeviceAccess } from '../../client/src/edge/lab';
import { sshGreets } from '../../client/src/edge/lab/device';
import { BlobCache } from '../../client/src/edge/ship/blob-cache';
import { deviceShell, probeViaShell } from '../../client/src/edge/ship/device-shell';
import { DEVICE_IMAGES_SCRIPT, parseDeviceImages, readDeviceImages } from '../../client/src/edge/ship/device-images';
import { PROBE_SCRIPT } from '../../client/src/edge/devices/probe-script';
import { ShipRefused } from '../../client/src/edge/ship/plan';
import { PULL_SCRIPT, pullArgv, tagAndDropArgv } from '../../client/src/edge/ship/runtime';
import { shipImage, type ShipOptions } from '../../client/src/edge/ship/ship';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshOptions } from '../../client/src/edge/ssh/target';
import { labTarget } from '../../client/src/edge/ship/targets';
import { useLab } from '../lab/harness';
import { cutUntilReconnecting } from './helpers/wait';

const NAME = 'shiptest';
const lab = useLab({ name: NAME, devices: 1 });
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'pier-ship-lab-'));
const cache = new BlobCache(join(work, 'cache'));
const APP = 'shiptest';

function options(d: LabDeviceAccess, over: Partial<SshOptions> = {}): SshOptions {
  return { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null, connectTimeoutMs: 10_000, ...over };
}

/** Build a variant of the small test app: busybox, a layer of random bytes, a text file. */
async function buildVariant(tag: string, o: { text: string; bigBytes?: Buffer; arch?: 'arm64' | 'armv7' }): Promise<string> {
  const ctx = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(ctx, 'big.bin'), o.bigBytes ?? big);
  writeFileSync(join(ctx, 'app.txt'), o.text);
  writeFileSync(join(ctx, 'Dockerfile'), `ARG LAB_ARCH=arm64\nFROM pier-lab/busybox:\${LAB_ARCH}\nCOPY big.bin /data/big.bin\nCOPY app.txt /app.txt\nCMD ["cat", "/app.txt"]\n`);
  const r = await buildImage({ context: ctx, platform: o.arch === 'armv7' ? 'linux/arm/v7' : 'linux/arm64', tag, buildArgs: { LAB_ARCH: o.arch ?? 'arm64' } });
  return r.imageId;
}

const big = randomBytes(1_500_000);

/** What the device engine holds: image IDs and every name, read on the device's own socket. */
async function deviceState(d: LabDeviceAccess): Promise<string> {
  const r = await docker(d.engineSocket, ['images', '-a', '--digests', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}}@{{.Digest}} {{.ID}}']);
  return r.stdout.split('\n').filter(Boolean).sort().join('\n');
}

describe('ship to a lab device', { skip: lab.skip, timeout: 900_000 }, () => {
  let d: LabDeviceAccess;
  let pool: SshPool;
  let base: Omit<ShipOptions, 'ref' | 'conn'> & { conn: ShipOptions['conn'] };
  const images: Record<string, string> = {};

  before(async () => {
    d = lab.device();
    pool = new SshPool(options(d));
    const conn = pool.get(labTarget(d));
    const probe = await probeDevice(conn);
    // These cases are about the registry and load paths: no streamed first deploy (ship-stream.test.ts).
    base = { conn, device: { name: d.name, platform: probe.platform, runtime: probe.runtime! }, app: APP, cache, stream: false };
    await ensureBaseImages(BUILD_SOCKET, [{ kind: 'busybox', arch: 'armv7' }]);
    images.v1 = await buildVariant('pier-test/ship:v1', { text: 'one\n' });
    images.v2 = await buildVariant('pier-test/ship:v2', { text: 'two\n' });
  });
  after(async () => {
    pool?.closeAll();
    if (d) await labRate(d.name, 'off', NAME).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  test('the probe run in the device shell learns what the exec probe learns, the second time without asking Compose', async () => {
    const viaShell = await probeViaShell(base.conn);
    // A repeat probe on the connection skips asking Compose and reports what the first one learnt.
    const again = await probeViaShell(base.conn);
    const direct = await probeDevice(base.conn);
    const pick = (p: typeof direct) => ({ machine: p.machine, platform: p.platform, os: p.os, user: p.user, compose: p.compose, runtime: { ...p.runtime, disk: undefined } });
    assert.deepEqual(pick(viaShell), pick(direct));
    assert.deepEqual(pick(again), pick(direct));
    const light = await deviceShell(base.conn).run(['sh', '-c', PROBE_SCRIPT, 'pier-probe', 'no-compose']);
    assert.match(light.stdout, /^@uname=/m);
    assert.doesNotMatch(light.stdout, /^@compose\./m);
    assert.equal(viaShell.runtime?.name, 'docker');
    assert.equal(viaShell.platform, 'linux/arm64');
  });

  test('first ship: every layer goes through the tunnel registry; the device has APP:VERSION and no tunnel name', async () => {
    const r = await shipImage({ ...base, ref: images.v1 });
    assert.equal(r.method, 'pull');
    assert.equal(r.layersPresent, 0);
    assert.equal(r.bytesSent, r.plan.missing.reduce((n, l) => n + l.size, 0));
    assert.ok(r.requests.some((e) => e.path === '/v2/' && e.status === 200));
    assert.ok(r.requests.every((e) => e.status < 400), JSON.stringify(r.requests));
    const id = (await docker(d.engineSocket, ['image', 'inspect', '--format', '{{.Id}}', r.tag])).stdout.trim();
    assert.equal(id, images.v1);
    assert.doesNotMatch(await deviceState(d), /127\.0\.0\.1:/);
    const out = await docker(d.engineSocket, ['run', '--rm', r.tag]);
    assert.equal(out.stdout, 'one\n');
  });

  test('nothing changed: nothing is sent, and the result says so', async () => {
    const r = await shipImage({ ...base, ref: images.v1 });
    assert.equal(r.method, 'none');
    assert.equal(r.bytesSent, 0);
    assert.equal(r.requests.length, 0);
    assert.match(r.summary, /Nothing changed/);
  });

  test('one changed file: only the top layer is sent; the earlier version stays', async () => {
    const r = await shipImage({ ...base, ref: images.v2 });
    assert.equal(r.method, 'pull');
    assert.equal(r.plan.missing.length, 1);
    assert.equal(r.bytesSent, r.plan.missing[0].size);
    assert.ok(r.bytesSent < 1000, `top layer only, got ${r.bytesSent} bytes`);
    const state = await deviceState(d);
    assert.match(state, new RegExp(`${APP}:${images.v1.slice(7, 19)}`));
    assert.match(state, new RegExp(`${APP}:${images.v2.slice(7, 19)}`));
  });

  test('what the device holds reads the same through the Engine API as through the docker CLI', async () => {
    const viaApi = await readDeviceImages(base.conn, base.device.runtime, APP);
    const raw = await deviceShell(base.conn).run(['sh', '-c', DEVICE_IMAGES_SCRIPT, 'pier-sh', 'docker', APP, 'docker']);
    assert.match(raw.stdout, /^@@pier:api-images$/m, 'the lab device answers through the Engine API');
    // `env docker` is not the bare `docker` the API path asks for, so the script takes the CLI path.
    const cli = await deviceShell(base.conn).run(['sh', '-c', DEVICE_IMAGES_SCRIPT, 'pier-sh', 'docker', APP, 'env', 'docker']);
    const viaCli = parseDeviceImages(cli.stdout, APP);
    const sorted = (x: typeof viaApi) => ({ ...x, images: [...x.images].sort((a, b) => a.id.localeCompare(b.id)), tags: [...x.tags].sort(), chains: [...x.chains].sort() });
    assert.ok(viaApi.images.length >= 2 && viaApi.tags.size >= 2, JSON.stringify(sorted(viaApi)));
    assert.ok(viaApi.engineId && viaApi.freeBytes! > 0);
    // Free space moves between the two reads; everything else must agree.
    assert.deepEqual({ ...sorted(viaApi), freeBytes: 0, tmpFreeBytes: 0 }, { ...sorted(viaCli), freeBytes: 0, tmpFreeBytes: 0 });
  });

  test('the Engine API paths report failures: a pull from nowhere and a tag of a missing image fail with the reason', async () => {
    const sh = deviceShell(base.conn);
    const ref = `127.0.0.1:1/pier/none@sha256:${'0'.repeat(64)}`;
    const pull = await sh.run(['sh', '-c', PULL_SCRIPT, 'pier-sh', ref, ...pullArgv(base.device.runtime, ref)]);
    assert.notEqual(pull.code, 0);
    assert.match(pull.stdout, /^@@pid \d+$/m);
    assert.match(pull.stderr, /pull of .*(refused|HTTP [45]\d\d)/i, pull.stderr);
    const tag = await sh.run(tagAndDropArgv(base.device.runtime, `sha256:${'1'.repeat(64)}`, `${APP}:never`));
    assert.notEqual(tag.code, 0);
    assert.match(tag.stderr, /HTTP 404/, tag.stderr);
  });

  test('an image for another platform is refused before anything is sent', async () => {
    const armv7 = await buildVariant('pier-test/ship:armv7', { text: 'seven\n', arch: 'armv7' });
    const before = await deviceState(d);
    await assert.rejects(shipImage({ ...base, ref: armv7 }), (e: unknown) => e instanceof ShipRefused && e.kind === 'platform' && /linux\/arm\/v7.*linux\/arm64/.test(e.message));
    assert.equal(await deviceState(d), before);
  });

  test('a device without room is refused before anything is sent', async () => {
    const v3 = await buildVariant('pier-test/ship:v3', { text: 'three\n', bigBytes: randomBytes(1_500_000) });
    const st = lab.handle().state.devices[0];
    const tmp = join(st.dir, 'docker', 'tmp');
    const ns = ['--mount=/proc/' + st.sshdPid + '/ns/mnt', '--'];
    // A 1 MB file system where the device's engine keeps downloads: a real, full device.
    await run('nsenter', [...ns, 'mount', '-t', 'tmpfs', '-o', 'size=1m', 'pier-tiny', tmp]);
    try {
      const before = await deviceState(d);
      await assert.rejects(shipImage({ ...base, ref: v3 }), (e: unknown) => e instanceof ShipRefused && e.kind === 'disk' && /nothing was sent/.test(e.message));
      assert.equal(await deviceState(d), before);
    } finally {
      await run('nsenter', [...ns, 'umount', tmp]);
    }
  });

  test('cancelled mid-transfer: the device is left exactly as it was', async () => {
    const v4 = await buildVariant('pier-test/ship:v4', { text: 'four\n', bigBytes: randomBytes(2_000_000) });
    await labRate(d.name, '2mbit', NAME);
    try {
      const before = await deviceState(d);
      const ac = new AbortController();
      const shipping = shipImage({ ...base, ref: v4, signal: ac.signal, onProgress: (p) => p.sentBytes > p.totalBytes * 0.25 && ac.abort() });
      await assert.rejects(shipping);
      assert.ok(ac.signal.aborted, 'the transfer was under way when it was cancelled');
      assert.equal(await deviceState(d), before);
    } finally {
      await labRate(d.name, 'off', NAME);
    }
  });

  test('a cut link during the transfer: the ship finishes once the link is back, and the image is whole', async () => {
    const v5 = await buildVariant('pier-test/ship:v5', { text: 'five\n', bigBytes: randomBytes(2_000_000) });
    const cutPool = new SshPool(options(d, { keepaliveIntervalMs: 1000, keepaliveCountMax: 3, reconnect: { initialDelayMs: 200, maxDelayMs: 1000, maxAttempts: Infinity } }));
    const conn = cutPool.get(labTarget(d));
    await labRate(d.name, '2mbit', NAME);
    const log: string[] = [];
    let cut: Promise<void> | undefined;
    try {
      const shipping = shipImage({
        ...base,
        conn,
        ref: v5,
        log: (l) => log.push(l),
        onProgress: (p) => {
          if (cut || p.sentBytes < p.totalBytes * 0.3) return;
          cut = cutUntilReconnecting(conn, d.name, NAME);
        },
      });
      const r = await shipping;
      await cut;
      assert.ok(cut, 'the link was cut during the transfer');
      assert.ok(log.some((l) => /dropped/.test(l)), log.join('\n'));
      assert.equal((await docker(d.engineSocket, ['image', 'inspect', '--format', '{{.Id}}', r.tag])).stdout.trim(), v5);
      assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag])).stdout, 'five\n');
    } finally {
      await labHeal(d.name, NAME).catch(() => undefined);
      await labRate(d.name, 'off', NAME);
      cutPool.closeAll();
    }
  });

  test("a device whose sshd forbids forwarding gets the missing layers by load, and says it is slower", async () => {
    const v6 = await buildVariant('pier-test/ship:v6', { text: 'six\n' });
    const st = lab.handle().state.devices[0];
    const cfg = join(st.dir, 'sshd_config');
    const original = readFileSync(cfg, 'utf8');
    cpSync(cfg, `${cfg}.orig`);
    const listening = () => readFileSync(join(st.dir, 'sshd.log'), 'utf8').split('Server listening on').length;
    const hup = async () => {
      const before = listening();
      process.kill(st.sshdPid!, 'SIGHUP');
      // sshd re-executes itself on SIGHUP: the old listener may still greet for a moment, so wait
      // until the new one has logged that it listens, and then greets.
      for (let i = 0; i < 400 && listening() <= before; i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(listening() > before, 'sshd restarted after SIGHUP');
      for (let i = 0; i < 200 && !(await sshGreets(d.host, d.port, 500)); i++) await new Promise((r) => setImmediate(r));
    };
    writeFileSync(cfg, original.replace('AllowTcpForwarding yes', 'AllowTcpForwarding no'));
    await hup();
    const noFwdPool = new SshPool(options(d));
    try {
      const r = await shipImage({ ...base, conn: noFwdPool.get(labTarget(d)), ref: v6 });
      assert.equal(r.method, 'load');
      assert.match(r.fallback ?? '', /slower/);
      assert.equal(r.plan.missing.length, 1, 'only the changed layer');
      assert.equal(r.bytesSent, r.plan.missing[0].size);
      assert.equal((await docker(d.engineSocket, ['run', '--rm', r.tag])).stdout, 'six\n');
    } finally {
      noFwdPool.closeAll();
      writeFileSync(cfg, original);
      await hup();
    }
  });
});
