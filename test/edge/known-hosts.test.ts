// known_hosts reading and deciding, with files written by the real ssh-keygen (plain and hashed).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  appendKnownHost,
  checkHostKey,
  entryMatchesHost,
  formatKnownHostsLine,
  keyFingerprint,
  keyTypeOf,
  loadKnownHosts,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../client/src/edge/ssh/known-hosts';
import { ensureOpenSsh, keygen, sshKeygenFingerprint, type KeyPair } from './helpers/sshd';

const blobOf = (k: KeyPair) => Buffer.from(k.pub.split(' ')[1], 'base64');

describe('known_hosts', () => {
  let dir: string;
  let a: KeyPair;
  let b: KeyPair;
  let rsa: KeyPair;
  before(async () => {
    ensureOpenSsh();
    dir = await mkdtemp(join(tmpdir(), 'pier-kh-'));
    [a, b, rsa] = await Promise.all([keygen(dir, 'a'), keygen(dir, 'b'), keygen(dir, 'r', '', 'rsa')]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('computes the same fingerprint and type as ssh-keygen', async () => {
    assert.equal(keyFingerprint(blobOf(a)), await sshKeygenFingerprint(`${a.path}.pub`));
    assert.equal(keyTypeOf(blobOf(a)), 'ssh-ed25519');
    assert.equal(keyTypeOf(blobOf(rsa)), 'ssh-rsa');
  });

  it('matches plain names, [host]:port, wildcards and negation', () => {
    const text = [
      `dev1,10.0.0.5 ${a.pub}`,
      `[dev2]:2222 ${a.pub}`,
      `*.lab,!bad.lab ${b.pub}`,
      '# a comment',
      'garbage line',
      `dev3 ssh-ed25519 ${blobOf(rsa).toString('base64')}`,
    ].join('\n');
    const entries = parseKnownHosts(text, 'f');
    assert.equal(entries.length, 3, 'the comment, the garbage line and the line whose type lies are skipped');
    assert.ok(entryMatchesHost(entries[0], 'dev1', 22));
    assert.ok(entryMatchesHost(entries[0], '10.0.0.5', 22));
    assert.ok(!entryMatchesHost(entries[0], 'dev1', 2222), 'a port other than 22 is recorded as [host]:port');
    assert.ok(entryMatchesHost(entries[1], 'dev2', 2222));
    assert.ok(!entryMatchesHost(entries[1], 'dev2', 22));
    assert.ok(entryMatchesHost(entries[2], 'pi.lab', 22));
    assert.ok(!entryMatchesHost(entries[2], 'bad.lab', 22));
  });

  it('matches entries hashed by ssh-keygen -H', async () => {
    const file = join(dir, 'hashed');
    await writeFile(file, `[127.0.0.1]:2200 ${a.pub}\nplainhost ${b.pub}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes('127.0.0.1') && text.includes('|1|'), 'the file is hashed');
    const entries = await loadKnownHosts([file, join(dir, 'missing')]);
    assert.deepEqual(checkHostKey(entries, '127.0.0.1', 2200, blobOf(a)), { status: 'known', file });
    assert.deepEqual(checkHostKey(entries, 'plainhost', 22, blobOf(b)), { status: 'known', file });
    assert.deepEqual(checkHostKey(entries, '127.0.0.1', 2200, blobOf(b)), { status: 'changed', knownIn: [file] });
    assert.deepEqual(checkHostKey(entries, '127.0.0.1', 2201, blobOf(a)), { status: 'unknown' });
  });

  it('writes hashed lines that ssh-keygen -F finds', async () => {
    const file = join(dir, 'ours-hashed');
    await writeFile(file, formatKnownHostsLine('dev9', 2022, blobOf(a), true) + '\n');
    const found = execFileSync('ssh-keygen', ['-F', '[dev9]:2022', '-f', file], { encoding: 'utf8' });
    assert.match(found, /\|1\|/);
  });

  it('appends trusted keys in a form OpenSSH reads', async () => {
    const file = join(dir, 'sub', 'pier_known_hosts');
    await appendKnownHost(file, 'dev4', 2022, blobOf(b));
    await appendKnownHost(file, 'dev5', 22, blobOf(a));
    const found = execFileSync('ssh-keygen', ['-F', '[dev4]:2022', '-f', file], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
    const entries = await loadKnownHosts([file]);
    assert.equal(checkHostKey(entries, 'dev5', 22, blobOf(a)).status, 'known');
  });

  it('refuses revoked keys and any other key for a recorded host', () => {
    const entries = parseKnownHosts([`@revoked * ${b.pub}`, `dev6 ${a.pub}`].join('\n'), 'f');
    assert.equal(checkHostKey(entries, 'dev6', 22, blobOf(b)).status, 'revoked');
    assert.equal(checkHostKey(entries, 'dev6', 22, blobOf(rsa)).status, 'changed', 'a key of another type is refused too');
  });

  it('offers the host key algorithms already known for a host first', () => {
    const entries = parseKnownHosts(`dev7 ${rsa.pub}`, 'f');
    assert.deepEqual(preferredHostKeyAlgorithms(entries, 'dev7', 22)?.slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.equal(preferredHostKeyAlgorithms(entries, 'other', 22), undefined);
  });
});
