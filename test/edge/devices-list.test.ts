// The device list: the pier.devices setting and ~/.ssh/config (with Include), checked against
// what OpenSSH itself resolves (`ssh -G`) for the same files.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findDevice, listDevices, validateDeviceSetting } from '../../client/src/edge/devices/list';
import { loadSshConfig, parseJumpSpec, resolveHost } from '../../client/src/edge/devices/ssh-config';
import { ensureOpenSsh } from './helpers/sshd';

/** What OpenSSH resolves for an alias with a given config file. */
function sshG(config: string, alias: string): Map<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', config, alias], { encoding: 'utf8' });
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const [k, ...rest] = line.split(' ');
    if (k) m.set(k, [...(m.get(k) ?? []), rest.join(' ')]);
  }
  return m;
}

describe('device list from settings and ~/.ssh/config', () => {
  let home: string;
  let config: string;
  before(async () => {
    ensureOpenSsh();
    home = await mkdtemp(join(tmpdir(), 'pier-home-'));
    await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
    await mkdir(join(home, 'extra'), { recursive: true });
    config = join(home, '.ssh', 'config');
    await writeFile(
      config,
      [
        '# devices on the shop floor',
        `Include ${home}/extra/*.conf`,
        'Include conf.d/*',
        '',
        'Host pi-line1',
        '  HostName 10.1.0.11',
        '  User pi',
        '  Port 2222',
        `  IdentityFile ${home}/.ssh/id_line`,
        '  IdentitiesOnly yes',
        '  ProxyJump gw',
        '',
        'Host gw',
        '  HostName gw.example.test',
        '  User jump',
        '',
        'Host *.lab',
        '  User labuser',
        '',
        'Host pi-%h',
        '  HostName %h.local',
        '',
        'Host *',
        '  Port 22',
        `  IdentityFile ${home}/.ssh/id_%r_%h`,
      ].join('\n'),
    );
    await writeFile(join(home, 'extra', 'a.conf'), ['Host rock5', '  HostName 10.1.0.50', '  User rock', '  Port 2200'].join('\n'));
    await writeFile(join(home, 'extra', 'ignored.txt'), 'Host not-included\n  HostName 1.2.3.4\n');
    await writeFile(join(home, '.ssh', 'conf.d', 'b'), ['Host bb-*', '  User bbuser', 'Host beagle', '  HostName 10.1.0.60', '  ProxyJump admin@gw:2022,rock5'].join('\n'));
  });
  after(() => rm(home, { recursive: true, force: true }));

  it('resolves hosts like OpenSSH does (ssh -G), through Include with an absolute glob', async () => {
    const { config: c, problems } = await loadSshConfig(config, { home, localUser: 'me' });
    assert.deepEqual(problems, []);
    for (const alias of ['pi-line1', 'rock5', 'gw']) {
      const ours = resolveHost(c, alias, { home, localUser: 'me' });
      const theirs = sshG(config, alias);
      assert.equal(ours.host, theirs.get('hostname')![0], `${alias} hostname`);
      assert.equal(String(ours.port), theirs.get('port')![0], `${alias} port`);
      if (alias !== 'gw') assert.equal(ours.user, theirs.get('user')![0], `${alias} user`);
      assert.equal(ours.identitiesOnly ? 'yes' : 'no', theirs.get('identitiesonly')![0], `${alias} identitiesonly`);
    }
    const pi = resolveHost(c, 'pi-line1', { home, localUser: 'me' });
    assert.deepEqual(pi.identityFiles.slice(0, 2), [`${home}/.ssh/id_line`, `${home}/.ssh/id_pi_10.1.0.11`], 'first value wins order, %r and %h expanded');
    assert.equal(pi.proxyJump, 'gw');
  });

  it('expands Include relative to ~/.ssh and keeps the enclosing block after it', async () => {
    const { config: c } = await loadSshConfig(config, { home, localUser: 'me' });
    const beagle = resolveHost(c, 'beagle', { home, localUser: 'me' });
    assert.equal(beagle.host, '10.1.0.60');
    assert.equal(beagle.user, 'me');
    assert.equal(resolveHost(c, 'bb-1', { home, localUser: 'me' }).user, 'bbuser');
    assert.equal(resolveHost(c, 'x.lab', { home, localUser: 'me' }).user, 'labuser');
  });

  it('lists concrete hosts as devices, with jump chains resolved through the config', async () => {
    const list = await listDevices(undefined, { home, localUser: 'me' });
    const names = list.devices.map((d) => d.name);
    assert.deepEqual(names.sort(), ['beagle', 'gw', 'pi-line1', 'rock5'].sort());
    assert.ok(!names.includes('not-included'));
    const beagle = findDevice(list, 'beagle');
    assert.equal(beagle.source, 'ssh-config');
    assert.deepEqual(
      beagle.target.jumps.map((j) => `${j.user}@${j.host}:${j.port}`),
      ['admin@gw.example.test:2022', 'rock@10.1.0.50:2200'],
    );
    const pi = findDevice(list, 'pi-line1');
    assert.deepEqual(pi.target.jumps.map((j) => `${j.user}@${j.host}:${j.port}`), ['jump@gw.example.test:22']);
    assert.throws(() => findDevice(list, 'nope'), /Known devices: /);
  });

  it('takes settings first, lets them override the config, and reports bad entries', async () => {
    const list = await listDevices(
      [
        { name: 'kitchen', host: 'pi-line1', user: 'admin', identityFile: '~/.ssh/kitchen', runtime: 'podman' },
        { name: 'direct', host: '192.168.7.2', port: 2022 },
        { name: 'kitchen', host: 'dup' },
        { name: '', host: 'x' },
        { name: 'bad-port', host: 'x', port: 70000 },
        { name: 'bad-rt', host: 'x', runtime: 'lxc' },
        'not an object',
      ],
      { home, localUser: 'me' },
    );
    assert.equal(list.problems.length, 5, list.problems.join('\n'));
    const kitchen = findDevice(list, 'kitchen');
    assert.equal(kitchen.source, 'settings');
    assert.equal(kitchen.runtime, 'podman');
    assert.equal(kitchen.target.host, '10.1.0.11');
    assert.equal(kitchen.target.port, 2222);
    assert.equal(kitchen.target.user, 'admin');
    assert.deepEqual(kitchen.target.identityFiles, [join(home, '.ssh', 'kitchen')]);
    assert.equal(kitchen.target.identitiesOnly, true);
    assert.equal(kitchen.target.jumps.length, 1);
    const direct = findDevice(list, 'direct');
    assert.equal(direct.target.host, '192.168.7.2');
    assert.equal(direct.target.port, 2022);
    assert.equal(list.devices[0].name, 'kitchen', 'settings come first');
    const without = await listDevices([{ name: 'only', host: 'h' }], { home, importSshConfigHosts: false });
    assert.deepEqual(without.devices.map((d) => d.name), ['only']);
  });

  it('parses ProxyJump elements', () => {
    assert.deepEqual(parseJumpSpec('admin@gw:2022'), { host: 'gw', user: 'admin', port: 2022 });
    assert.deepEqual(parseJumpSpec('ssh://gw'), { host: 'gw', user: undefined, port: undefined });
    assert.deepEqual(parseJumpSpec('u@[fe80::1]:22'), { host: 'fe80::1', user: 'u', port: 22 });
    assert.equal(typeof validateDeviceSetting({ name: 'a', host: 'b c' }, 0), 'string');
  });
});
