// The probe and the doctor: parsing and judging as tables, then the real script run over SSH on
// this machine through a real sshd, its answers checked against the machine itself.

import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { arch } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose, type DoctorFacts } from '../../client/src/edge/devices/doctor-rules';
import { factsFromOutput, runDoctor } from '../../client/src/edge/devices/doctor';
import { parseContainers, parseImages, runtimeArgv } from '../../client/src/edge/devices/inventory';
import { platformForMachine } from '../../client/src/edge/devices/platform';
import { parseProbeOutput, probeDevice, runtimeProblem, type ProbeResult } from '../../client/src/edge/devices/probe';
import { SshPool } from '../../client/src/edge/ssh/pool';
import { startSshd, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';

const ARM64_DOCKER = [
  '@uname=6.1.0-rpi7-rpi-v8 aarch64',
  '@id=uid=1000(pi) gid=1000(pi) groups=1000(pi),994(docker)',
  '@os="Debian GNU/Linux 12 (bookworm)"',
  '@mem=3884600 2981200',
  '@epoch=1700000000',
  '@rt.docker.path=/usr/bin/docker',
  '@rt.docker.info=24.0.7|/var/lib/docker|overlay2',
  '@rt.docker.access=direct',
  '@rt.docker.df=/var/lib/docker /dev/mmcblk0p2 30000000 18000000 12000000 60% /',
  '@compose.plugin=2.21.0',
].join('\r\n');

describe('probe parsing', () => {
  it('maps uname -m to OCI platforms', () => {
    const table: [string, string | undefined][] = [
      ['aarch64', 'linux/arm64'],
      ['armv7l', 'linux/arm/v7'],
      ['armv6l', 'linux/arm/v6'],
      ['armv8l', 'linux/arm/v7'],
      ['x86_64', 'linux/amd64'],
      ['riscv64', 'linux/riscv64'],
      ['sparc', undefined],
    ];
    for (const [m, p] of table) assert.equal(platformForMachine(m), p, m);
  });

  it('reads an arm64 device with Docker and the Compose plugin', () => {
    const p = parseProbeOutput(ARM64_DOCKER);
    assert.equal(p.platform, 'linux/arm64');
    assert.equal(p.os, 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(p.kernel, '6.1.0-rpi7-rpi-v8');
    assert.equal(p.user, 'pi');
    assert.equal(p.uid, 1000);
    assert.deepEqual(p.memory, { totalBytes: 3884600 * 1024, availableBytes: 2981200 * 1024 });
    assert.deepEqual(p.runtime, { name: 'docker', version: '24.0.7', clientVersion: undefined, access: 'direct', dataRoot: '/var/lib/docker', storageDriver: 'overlay2', disk: { path: '/var/lib/docker', totalBytes: 30000000 * 1024, freeBytes: 12000000 * 1024 } });
    assert.deepEqual(p.compose, { kind: 'plugin', version: '2.21.0' });
    assert.equal(runtimeProblem('pi', p), undefined);
  });

  it('reads an armv7 device where the user may not use Docker, with Compose v1 only', () => {
    const p = parseProbeOutput(['@uname=5.15.0 armv7l', '@id=uid=1000(pi) gid=1000(pi)', '@rt.docker.path=/usr/bin/docker', '@rt.docker.info=permission denied while trying to connect to the Docker daemon socket', 'at unix:///var/run/docker.sock: dial unix: connect: permission denied', '@rt.docker.client=Docker version 20.10.24+dfsg1, build 297e128', '@rt.docker.access=denied', '@compose.v1=1.29.2'].join('\n'));
    assert.equal(p.platform, 'linux/arm/v7');
    assert.equal(p.runtime?.access, 'denied');
    assert.equal(p.runtime?.version, '20.10.24+dfsg1', 'the client version stands in when the engine does not answer');
    assert.deepEqual(p.compose, { kind: 'v1', version: '1.29.2' });
    assert.equal(runtimeProblem('pi', p)?.kind, 'permission-denied');
  });

  it('reads the Engine API answer when the script could ask the socket directly', () => {
    const api = JSON.stringify({ ServerVersion: '26.1.4', DockerRootDir: '/mnt/ssd/docker', Driver: 'overlay2', LoggingDriver: 'json-file' });
    const p = parseProbeOutput(['@uname=6.6.31 aarch64', '@rt.docker.path=/usr/bin/docker', `@rt.docker.api=${api}`, '@rt.docker.info=api', '@rt.docker.access=direct', '@rt.docker.df=/mnt/ssd/docker /dev/sda1 100 40 60 40% /mnt/ssd'].join('\n'));
    assert.equal(p.runtime?.version, '26.1.4');
    assert.equal(p.runtime?.dataRoot, '/mnt/ssd/docker');
    assert.equal(p.runtime?.storageDriver, 'overlay2');
    assert.equal(p.runtime?.disk?.freeBytes, 60 * 1024);
  });

  it('prefers the configured runtime, else the first reachable one', () => {
    const text = ['@uname=6.1 aarch64', '@rt.docker.path=/usr/bin/docker', '@rt.docker.access=not-running', '@rt.podman.path=/usr/bin/podman', '@rt.podman.info=4.3.1|/var/lib/containers/storage|overlay', '@rt.podman.access=direct', '@compose.podman=podman-compose version: 1.0.6', "['podman', '--version', '']", '@rt.k3s.path=/usr/local/bin/k3s', '@rt.k3s.info=Version:  0.1.0', 'RuntimeName:  containerd', 'RuntimeVersion:  v1.7.7-k3s1', '@rt.k3s.access=direct'].join('\n');
    assert.equal(parseProbeOutput(text).runtime?.name, 'podman');
    assert.deepEqual(parseProbeOutput(text).compose, { kind: 'podman-compose', version: '1.0.6' });
    assert.equal(parseProbeOutput(text, 'k3s').runtime?.version, '1.7.7-k3s1');
    assert.equal(parseProbeOutput(text, 'docker').runtime?.access, 'not-running');
    const none = parseProbeOutput('@uname=6.1 aarch64\n');
    assert.equal(none.runtime, undefined);
    assert.equal(runtimeProblem('d', none)?.kind, 'runtime-missing');
  });

  it('parses the runtime listings', () => {
    const cs = parseContainers('{"ID":"abc","Names":"web","Image":"nginx:1","State":"running","Status":"Up 3 hours"}\nnoise\n{"ID":"def","Names":"job","Image":"busybox","State":"exited","Status":"Exited (0) 2 days ago"}');
    assert.deepEqual(cs.map((c) => `${c.name} ${c.state} ${c.image} ${c.status}`), ['web running nginx:1 Up 3 hours', 'job exited busybox Exited (0) 2 days ago']);
    const im = parseImages('{"ID":"sha256:0123456789abcdef","Repository":"app","Tag":"v2","Size":"12MB","CreatedSince":"2 hours ago"}\n{"ID":"x","Repository":"<none>","Tag":"<none>"}');
    assert.deepEqual(im.map((i) => i.ref), ['app:v2', '<none>']);
    assert.deepEqual(runtimeArgv({ name: 'docker', access: 'sudo' }, ['ps']), ['sudo', '-n', 'docker', 'ps']);
  });
});

const baseProbe = (): ProbeResult => parseProbeOutput(ARM64_DOCKER);
const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  probe: baseProbe(),
  dockerInfo: { LoggingDriver: 'json-file', Driver: 'overlay2', LiveRestoreEnabled: true, Warnings: [] },
  daemonJson: { 'log-opts': { 'max-size': '10m' } },
  dockerdArgs: ['/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock'],
  listeningPorts: [22],
  ntpSynchronized: true,
  clockSkewSeconds: 0.3,
  ...over,
});
const checks = (f: DoctorFacts) => diagnose(f).map((x) => `${x.severity}:${x.check}`);

describe('doctor rules', () => {
  it('finds nothing on a well set up device', () => {
    assert.deepEqual(checks(facts()), []);
  });

  it('names each problem with its fix', () => {
    const table: [string, Partial<DoctorFacts>, string[]][] = [
      ['no log rotation', { daemonJson: undefined }, ['warning:log-rotation']],
      ['local log driver rotates by itself', { daemonJson: undefined, dockerInfo: { LoggingDriver: 'local', Driver: 'overlay2', LiveRestoreEnabled: true } }, []],
      ['broken daemon.json', { daemonJson: '{ "log-opts": ' }, ['warning:log-rotation', 'warning:log-rotation']],
      ['vfs storage', { dockerInfo: { LoggingDriver: 'local', Driver: 'vfs', LiveRestoreEnabled: true } }, ['error:storage-driver']],
      ['devicemapper storage', { dockerInfo: { LoggingDriver: 'local', Driver: 'devicemapper', LiveRestoreEnabled: true } }, ['warning:storage-driver']],
      ['live-restore off', { dockerInfo: { LoggingDriver: 'local', Driver: 'overlay2', LiveRestoreEnabled: false } }, ['info:live-restore']],
      ['live-restore off in a swarm is expected', { dockerInfo: { LoggingDriver: 'local', Driver: 'overlay2', LiveRestoreEnabled: false, Swarm: { LocalNodeState: 'active' } } }, []],
      ['tcp host in daemon.json', { daemonJson: { 'log-opts': { 'max-size': '1m' }, hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375'] } }, ['error:tcp-without-tls']],
      ['tcp host with tlsverify', { daemonJson: { 'log-opts': { 'max-size': '1m' }, hosts: ['tcp://0.0.0.0:2376'], tlsverify: true } }, []],
      ['-H tcp:// on the command line', { dockerdArgs: ['dockerd -H tcp://0.0.0.0:2375 -H unix:///var/run/docker.sock'] }, ['error:tcp-without-tls']],
      ['something listens on 2375', { listeningPorts: [22, 2375] }, ['error:tcp-without-tls']],
      ['clock not synchronised', { ntpSynchronized: false }, ['warning:clock-not-synchronised']],
      ['clock far off', { ntpSynchronized: undefined, clockSkewSeconds: -3600 }, ['warning:clock-not-synchronised']],
      ['chrony says unsynchronised', { ntpSynchronized: undefined, chronyLeap: 'Not synchronised' }, ['warning:clock-not-synchronised']],
    ];
    for (const [name, over, want] of table) assert.deepEqual(checks(facts(over)), want, name);
    for (const f of diagnose(facts({ daemonJson: undefined, ntpSynchronized: false, listeningPorts: [2375] }))) assert.ok(f.fix.length > 20, f.check);
  });

  it('warns about a nearly full disk on the data root, and about runtime access', () => {
    const p = baseProbe();
    p.runtime!.disk = { path: '/var/lib/docker', totalBytes: 16 * 1024 ** 3, freeBytes: 0.3 * 1024 ** 3 };
    assert.deepEqual(checks(facts({ probe: p })), ['error:disk-almost-full']);
    p.runtime!.disk.freeBytes = 1.5 * 1024 ** 3;
    assert.deepEqual(checks(facts({ probe: p })), ['warning:disk-almost-full']);
    const denied = parseProbeOutput('@uname=6.1 aarch64\n@id=uid=1000(pi) gid=1000(pi)\n@rt.docker.path=/usr/bin/docker\n@rt.docker.access=denied');
    assert.deepEqual(checks(facts({ probe: denied, dockerInfo: undefined })), ['error:runtime']);
    assert.match(diagnose(facts({ probe: denied, dockerInfo: undefined }))[0].fix, /usermod -aG docker pi/);
  });

  it('reads the facts script output into facts', () => {
    const out = ['', '@@pier:epoch', '1700000100', '@@pier:docker-info', '{"LoggingDriver":"json-file","Driver":"overlay2"}', '@@pier:daemon-json', '', '@@pier:dockerd', 'dockerd -H fd://', '@@pier:listen', '00000000:0947', '0100007F:0016', '@@pier:ntp', 'no', '@@pier:chrony', '', '@@pier:end'].join('\n');
    const f = factsFromOutput(out, baseProbe(), { sentMs: 1700000000_000, receivedMs: 1700000000_200 });
    assert.deepEqual(f.listeningPorts, [2375, 22]);
    assert.equal(f.ntpSynchronized, false);
    assert.equal(f.daemonJson, undefined);
    assert.equal(Math.round(f.clockSkewSeconds!), 100);
    assert.equal((f.dockerInfo as { Driver: string }).Driver, 'overlay2');
  });
});

describe('probe and doctor over SSH on this machine', () => {
  let sshd: TestSshd;
  let pool: SshPool;
  before(async () => {
    sshd = await startSshd();
    const kh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(kh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: kh } }));
  });
  after(async () => {
    pool?.closeAll();
    await sshd?.stop();
  });

  it('the real script reports this machine as it is', async () => {
    const p = await probeDevice(pool.get(targetFor(sshd)));
    assert.equal(p.platform, { x64: 'linux/amd64', arm64: 'linux/arm64', arm: 'linux/arm/v7' }[arch() as string]);
    assert.equal(p.user, sshd.user);
    const memTotalKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
    assert.equal(p.memory?.totalBytes, memTotalKb * 1024);
    assert.match(p.os, /\w/);
    // Whatever runtime this machine has, the disk figure is the file system the data root is on.
    for (const rt of p.runtimes) {
      if (!rt.disk) continue;
      const fs = statfsSync(rt.disk.path);
      assert.ok(Math.abs(rt.disk.totalBytes - fs.blocks * fs.bsize) <= fs.bsize * 1024, `${rt.name} disk total`);
    }
  });

  it('the doctor runs its script and judges the clock of this machine as in sync', async () => {
    const r = await runDoctor(pool.get(targetFor(sshd)));
    assert.ok(!r.findings.some((f) => f.check === 'clock-not-synchronised' && f.title === 'The clock is wrong'), 'same machine, same clock');
    assert.ok(r.findings.every((f) => f.fix && f.detail));
  });
});
