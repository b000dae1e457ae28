// The lab's pure parts, without root: parsing, names, the device's sshd config, uname shim and
// boot script, and the OpenSSH arguments other tests use.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { machine, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArch, parseRate, sshArgs, type LabDeviceAccess, type LabDeviceState } from '../../client/src/edge/lab';
import { bootScript, sshdConfig, unameShim } from '../../client/src/edge/lab/device';
import { defaultImageRequests, baseImageRef } from '../../client/src/edge/lab/images';
import { archInfo, checkLabName, deviceNames, labNames } from '../../client/src/edge/lab/names';

const dev: LabDeviceState = {
  name: 'dev1',
  arch: 'arm64',
  machine: 'aarch64',
  platform: 'linux/arm64',
  netns: 'pier-default-dev1',
  hostVeth: 'pl0d1',
  address: '10.77.0.2',
  sshPort: 22,
  dir: "/tmp/pier lab/it's dev1",
  engineSocket: "/tmp/pier lab/it's dev1/docker.sock",
};

test('rates: tc units are accepted and normalised, nonsense is refused with the accepted forms', () => {
  assert.deepEqual(parseRate('20mbit'), { rate: '20mbit', bitsPerSecond: 20e6 });
  assert.deepEqual(parseRate(' 512Kbit '), { rate: '512kbit', bitsPerSecond: 512e3 });
  assert.deepEqual(parseRate('1mbps'), { rate: '1mbps', bitsPerSecond: 8e6 });
  for (const bad of ['20', 'fast', '20 mbit', '-1mbit', '1bit', '100gbit']) assert.throws(() => parseRate(bad), /rate '.*' (is not a tc rate such as 20mbit|is outside)/);
});

test('arches: common spellings map to arm64/armv7 with their machine and platform', () => {
  assert.equal(parseArch('aarch64'), 'arm64');
  assert.equal(parseArch('armhf'), 'armv7');
  assert.equal(parseArch('ARMv7l'), 'armv7');
  assert.throws(() => parseArch('x86_64'), /unknown arch 'x86_64': use arm64 or armv7/);
  assert.deepEqual(archInfo('armv7'), { machine: 'armv7l', platform: 'linux/arm/v7', qemu: 'qemu-arm' });
});

test('names: interface names fit the kernel limit of 15 characters and slots pick subnets', () => {
  for (const slot of [0, 9, 63]) {
    for (const i of [1, 16]) {
      const n = deviceNames('a-twenty-char-name-x', slot, i);
      assert.ok(n.hostVeth.length <= 15 && n.peerVeth.length <= 15, n.peerVeth);
      assert.equal(n.address, `10.77.${slot}.${i + 1}`);
    }
    assert.equal(labNames(slot).subnet, `10.77.${slot}.0/24`);
  }
  assert.equal(checkLabName('labtest'), 'labtest');
  for (const bad of ['', 'Lab', '1lab', 'a/b', 'x'.repeat(21)]) assert.throws(() => checkLabName(bad), /must be 1-20 lower-case/);
});

test('base images: busybox for each arch, Debian for arm64 by default', () => {
  assert.deepEqual(defaultImageRequests(['arm64', 'armv7', 'arm64']), [
    { kind: 'busybox', arch: 'arm64' },
    { kind: 'debian', arch: 'arm64' },
    { kind: 'busybox', arch: 'armv7' },
  ]);
  assert.equal(baseImageRef('debian', 'armv7'), 'pier-lab/debian:armv7');
});

test('sshd config: key-only root login on the device address with the lab host key', () => {
  const c = sshdConfig(dev);
  for (const line of ['ListenAddress 10.77.0.2', 'Port 22', 'PasswordAuthentication no', 'PermitRootLogin prohibit-password', 'PidFile none', 'UsePAM no']) assert.ok(c.split('\n').includes(line), line);
  assert.ok(c.includes(`HostKey ${dev.dir}/ssh_host_ed25519_key`));
});

test('uname shim: replaces the host machine with the device machine and keeps exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-lab-unit-'));
  const shim = join(dir, 'uname');
  writeFileSync(shim, unameShim('/usr/bin/uname', 'armv7l'), { mode: 0o755 });
  const real = execFileSync('/usr/bin/uname', ['-m']).toString().trim();
  assert.equal(real, machine());
  assert.equal(execFileSync(shim, ['-m']).toString(), 'armv7l\n');
  assert.match(execFileSync(shim, ['-a']).toString(), /armv7l/);
  assert.equal(execFileSync(shim, ['-s']).toString(), execFileSync('/usr/bin/uname', ['-s']).toString());
  assert.throws(() => execFileSync(shim, ['--no-such-option'], { stdio: 'ignore' }), (e: { status: number }) => e.status !== 0);
  rmSync(dir, { recursive: true, force: true });
});

test('boot script: every path is quoted, dockerd is private to the device, sshd runs last', () => {
  const s = bootScript(dev, ['/usr/bin/uname'], ['/usr/bin/arch']);
  assert.ok(s.includes(`'/tmp/pier lab/it'\\''s dev1/hostname'`), s);
  assert.match(s, /mount -t tmpfs .* \/run\n/);
  assert.match(s, /dockerd .*--data-root '\/tmp\/pier lab\/it'\\''s dev1\/docker' /);
  assert.doesNotMatch(s, /--bridge=none/);
  assert.match(s, /mount -t tmpfs -o [^ ]+ pier-lab-docker '\/tmp\/pier lab\/it'\\''s dev1\/docker'\n/);
  assert.match(s.trim().split('\n').pop()!, /^exec \/usr\/sbin\/sshd -D -f /);
  // The script is valid shell.
  execFileSync('sh', ['-n', '-c', s]);
});

test('ssh arguments: the lab key and known_hosts only, strict checking, no user config, quoted remote', () => {
  const d: LabDeviceAccess = { lab: 'default', name: 'dev1', host: '10.77.0.2', port: 22, user: 'root', privateKeyPath: '/run/pier-lab/default/ssh/id_ed25519', knownHostsPath: '/run/pier-lab/default/ssh/known_hosts', arch: 'arm64', machine: 'aarch64', platform: 'linux/arm64', engineSocket: '/x', netns: 'n' };
  const a = sshArgs(d, ['echo', 'a b', '$HOME']);
  assert.deepEqual(a.slice(0, 2), ['-F', '/dev/null']);
  for (const o of ['StrictHostKeyChecking=yes', 'UserKnownHostsFile=/run/pier-lab/default/ssh/known_hosts', 'GlobalKnownHostsFile=/dev/null', 'IdentitiesOnly=yes', 'BatchMode=yes']) assert.ok(a.includes(o), o);
  assert.deepEqual(a.slice(-3), ['--', 'root@10.77.0.2', "echo 'a b' '$HOME'"]);
});
