// The lab end to end, on one lab shared by the file: two devices (arm64, armv7) reached over SSH
// with strict host keys, ARM containers on the device engines only, link cut/heal and rate, and
// a down that leaves nothing behind. Needs root (CI runs it as root).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUILD_SOCKET, docker, labCut, labDown, labHeal, labRate, labStatus, labUp, sshArgs } from '../../client/src/edge/lab';
import { sshGreets } from '../../client/src/edge/lab/device';
import { useLab } from './harness';
import { labPids, labTraces, lineReader, ssh, throughputFromDevice, throughputToDevice } from './lab-helpers';

const NAME = 'labtest';
const lab = useLab({ name: NAME, devices: 2, arch: ['arm64', 'armv7'] });

describe('device lab', { skip: lab.skip }, () => {
  test('each device answers SSH with strict host key checking against the lab known_hosts', async () => {
    for (const d of lab.handle().devices) {
      const r = await ssh(d, ['sh', '-c', 'uname -m; hostname; cat /etc/hostname']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [d.machine, d.name, d.name]);
    }
    // The same connection with a known_hosts that lacks the device must be refused.
    const empty = join(tmpdir(), `pier-lab-empty-known-hosts-${process.pid}`);
    writeFileSync(empty, '');
    const r = await ssh({ ...lab.device(0), knownHostsPath: empty }, ['true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Host key verification failed|No ED25519 host key is known/);
  });

  test('devices reach each other and the host, and have no route anywhere else', async () => {
    const [d1, d2] = lab.handle().devices;
    const r = await ssh(d1, ['bash', '-c', 'exec 3<>"/dev/tcp/$1/22"; head -c 7 <&3; echo; ip -4 route show', 'bash', d2.host]);
    assert.equal(r.code, 0, r.stderr);
    const [greeting, ...routes] = r.stdout.trim().split('\n');
    assert.equal(greeting, 'SSH-2.0');
    assert.ok(!routes.some((l) => l.startsWith('default')), routes.join('\n'));
    assert.ok(routes.some((l) => l.startsWith(lab.handle().state.subnet)), routes.join('\n'));
  });

  test('uname -m says aarch64 on the arm64 device and armv7l on the armv7 device', async () => {
    assert.equal((await ssh(lab.device('dev1'), ['uname', '-m'])).stdout.trim(), 'aarch64');
    assert.equal((await ssh(lab.device('dev2'), ['uname', '-m'])).stdout.trim(), 'armv7l');
    assert.match((await ssh(lab.device('dev1'), ['uname', '-a'])).stdout, /aarch64/);
  });

  test('an ARM container runs on the device engine and is absent from the build engine', async () => {
    for (const d of lab.handle().devices) {
      const image = `pier-lab/busybox:${d.arch}`;
      const save = spawn('docker', ['save', image], { env: { ...process.env, DOCKER_HOST: `unix://${BUILD_SOCKET}` }, stdio: ['ignore', 'pipe', 'inherit'] });
      const load = await ssh(d, ['docker', 'load'], { input: save.stdout });
      assert.equal(load.code, 0, load.stderr);
      const tag = `pier-lab/only-on-${d.name}:${process.pid}`;
      const cname = `pier-lab-probe-${d.name}-${process.pid}`;
      const r = await ssh(d, ['sh', '-c', 'docker tag "$1" "$2" && docker run --name "$3" "$2" uname -m', 'sh', image, tag, cname]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), d.machine);
      const onDevice = await ssh(d, ['docker', 'ps', '-a', '--filter', `name=${cname}`, '--format', '{{.Names}} {{.Image}}']);
      assert.equal(onDevice.stdout.trim(), `${cname} ${tag}`);
      // The device's engine is its own: the build engine has neither the container nor the tag.
      const buildPs = await docker(BUILD_SOCKET, ['ps', '-a', '--filter', `name=${cname}`, '--format', '{{.Names}}']);
      assert.equal(buildPs.stdout.trim(), '');
      assert.equal((await docker(BUILD_SOCKET, ['image', 'inspect', tag], { allowFail: true })).code, 1);
      // And the data root the device reports is inside the device's own directory.
      const root = await ssh(d, ['docker', 'info', '--format', '{{.DockerRootDir}} {{.Name}}']);
      assert.match(root.stdout.trim(), new RegExp(`/${d.name}/docker ${d.name}$`));
    }
  });

  test('status is readable from another process and a second up is refused with one line', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', 'client/src/cli/main.ts', 'lab', 'status', '--name', NAME, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const [code] = (await once(cli, 'close')) as [number];
    assert.equal(code, 0);
    const st = JSON.parse(out) as ReturnType<typeof labStatus>;
    assert.equal(st.healthy, true);
    assert.deepEqual(st.devices.map((d) => [d.name, d.arch, d.sshdRunning, d.dockerdRunning]), [
      ['dev1', 'arm64', true, true],
      ['dev2', 'armv7', true, true],
    ]);
    await assert.rejects(labUp({ name: NAME, devices: 1, images: [] }), (e: Error) => /^lab 'labtest' is already up \(.*\); run 'pier lab down --name labtest' first$/.test(e.message) && !e.message.includes('\n'));
    assert.equal(labStatus(NAME).healthy, true);
  });

  test('cut stops traffic to one device (others unaffected) and heal restores it', async () => {
    const d = lab.device('dev1');
    const other = lab.device('dev2');
    // A stream of numbered lines from the device; it must stall while the link is cut.
    const stream = spawn('ssh', sshArgs(d, ['sh', '-c', 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo $i; sleep 0.1; done'], ['-o', 'ServerAliveInterval=0']), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = lineReader(stream.stdout);
      assert.equal(await lines.next(), '1');
      assert.equal(await sshGreets(d.host, d.port), true);
      await labCut('dev1', NAME);
      assert.equal(labStatus(NAME).devices[0].cut, true);
      // Lines already in flight may still arrive; after that, nothing may for 2 s.
      let last = 0;
      const drained = await new Promise<boolean>((resolve) => {
        let timer = setTimeout(() => resolve(true), 2000);
        stream.stdout.on('data', () => {
          clearTimeout(timer);
          timer = setTimeout(() => resolve(true), 2000);
          if (++last > 50) resolve(false);
        });
      });
      stream.stdout.removeAllListeners('data');
      assert.equal(drained, true, 'lines kept arriving over a cut link');
      assert.equal(await sshGreets(d.host, d.port, 1500), false, 'a new connection reached a cut device');
      assert.equal(await sshGreets(other.host, other.port), true, 'cutting dev1 cut dev2 too');
      await labHeal('dev1', NAME);
      assert.equal(await sshGreets(d.host, d.port, 5000), true, 'no connection after heal');
      // The stalled stream resumes once TCP retransmits (its back-off is a few seconds here).
      const resumed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 60_000);
        stream.stdout.once('data', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      assert.equal(resumed, true, 'the stream did not resume after heal');
    } finally {
      stream.kill('SIGKILL');
      await labHeal('dev1', NAME).catch(() => undefined);
    }
  });

  test('rate limits the link to within 20% of the set rate, both ways, and off removes it', async () => {
    const d = lab.device('dev1');
    const host = lab.handle().state.hostAddress;
    const bytes = 5_000_000;
    const unlimited = await throughputToDevice(d, bytes);
    await labRate('dev1', '20mbit', NAME);
    assert.equal(labStatus(NAME).devices[0].rate, '20mbit');
    const down = await throughputToDevice(d, bytes);
    const up = await throughputFromDevice(d, host, bytes);
    await labRate('dev1', 'off', NAME);
    const after = await throughputToDevice(d, bytes);
    const mbit = (v: number) => `${(v / 1e6).toFixed(1)} Mbit/s`;
    process.stderr.write(`rate: unlimited ${mbit(unlimited)}, 20mbit to device ${mbit(down)}, from device ${mbit(up)}, off again ${mbit(after)}\n`);
    assert.ok(Math.abs(down - 20e6) <= 4e6, `to device: ${mbit(down)} is not within 20% of 20 Mbit/s`);
    assert.ok(Math.abs(up - 20e6) <= 4e6, `from device: ${mbit(up)} is not within 20% of 20 Mbit/s`);
    assert.ok(unlimited > 2 * 24e6 && after > 2 * 24e6, `without a limit the link should be far faster than 20 Mbit/s (${mbit(unlimited)}, ${mbit(after)})`);
  });

  test('down leaves nothing behind: namespaces, processes, mounts, interfaces, rules, files', async () => {
    const state = lab.handle().state;
    const pids = await labPids(state);
    assert.ok(pids.length >= 4, `expected sshd and dockerd of two devices, got ${pids.join(',')}`);
    const before = await labTraces(state, pids);
    assert.ok(before.netns.length === 2 && before.links.length === 3 && before.pids.length >= 4 && before.files.length === 3, JSON.stringify(before));
    assert.equal(await labDown({ name: NAME }), true);
    assert.deepEqual(await labTraces(state, pids), { netns: [], links: [], pids: [], mounts: [], iptables: [], files: [] });
    assert.equal(labStatus(NAME).state, undefined);
    // Idempotent: a second down has nothing to do and says so.
    assert.equal(await labDown({ name: NAME }), false);
  });
});
