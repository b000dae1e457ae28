// Host key checks against a real sshd: known (plain and hashed), unknown (refused unless someone
// says yes, then remembered), changed and revoked (refused, never asked).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostKeyChangedError, HostKeyUnknownError, type HostKeyInfo } from '../../client/src/edge/ssh/errors';
import { runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { HostKeyPolicy } from '../../client/src/edge/ssh/target';
import { keygen, sshKeygenFingerprint, startSshd, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';

describe('host keys against a real sshd', () => {
  let sshd: TestSshd;
  let userKh: string;
  let pierKh: string;
  let n = 0;
  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  /** Fresh known_hosts files per test, and a connect through a new pool. */
  async function attempt(policy: Partial<HostKeyPolicy> = {}, userKnownHosts = ''): Promise<{ out?: string; err?: unknown }> {
    n++;
    userKh = join(sshd.dir, `user_kh_${n}`);
    pierKh = join(sshd.dir, `pier_kh_${n}`);
    await writeFile(userKh, userKnownHosts);
    const pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [userKh], pierKnownHostsFile: pierKh, ...policy } }));
    try {
      return { out: await runRemote(pool.get(targetFor(sshd)), ['echo', 'in']) };
    } catch (err) {
      return { err };
    } finally {
      pool.closeAll();
    }
  }
  const hostLine = () => `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}`;

  it('connects when the key is in the user known_hosts', async () => {
    const r = await attempt({ confirmUnknown: async () => assert.fail('must not ask for a known key') }, hostLine() + '\n');
    assert.equal(r.out, 'in\n');
  });

  it('connects when the entry is hashed (ssh-keygen -H)', async () => {
    const file = join(sshd.dir, 'hashed_kh');
    await writeFile(file, hostLine() + '\n');
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = await readFile(file, 'utf8');
    assert.ok(!hashed.includes('127.0.0.1'));
    const r = await attempt({}, hashed);
    assert.equal(r.out, 'in\n');
  });

  it('refuses an unknown key without an explicit yes, and shows its SHA256 fingerprint', async () => {
    const r = await attempt();
    assert.ok(r.err instanceof HostKeyUnknownError, String(r.err));
    assert.equal(r.err.kind, 'host-key-unknown');
    assert.equal(r.err.key.fingerprint, await sshKeygenFingerprint(`${sshd.hostKey.path}.pub`));
    assert.match(r.err.message, /SHA256:/);
    assert.equal(await readFile(pierKh, 'utf8').catch(() => ''), '', 'nothing was trusted');
  });

  it('refuses an unknown key when the answer is no', async () => {
    const asked: HostKeyInfo[] = [];
    const r = await attempt({ confirmUnknown: async (k) => (asked.push(k), false) });
    assert.ok(r.err instanceof HostKeyUnknownError);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].port, sshd.port);
  });

  it('trusts an unknown key on yes, records it in Pier known_hosts only, and knows it next time', async () => {
    const r = await attempt({ confirmUnknown: async () => true });
    assert.equal(r.out, 'in\n');
    assert.equal(await readFile(userKh, 'utf8'), '', "the user's known_hosts is never written");
    const recorded = await readFile(pierKh, 'utf8');
    assert.match(recorded, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
    const pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh } }));
    try {
      assert.equal(await runRemote(pool.get(targetFor(sshd)), ['echo', 'again']), 'again\n');
    } finally {
      pool.closeAll();
    }
  });

  it('refuses a changed key without asking, with a warning that says how to recover', async () => {
    const other = await keygen(sshd.dir, `other_host_${n}`);
    const r = await attempt({ confirmUnknown: async () => assert.fail('a changed key is never offered for trust') }, `[127.0.0.1]:${sshd.port} ${other.pub}\n`);
    assert.ok(r.err instanceof HostKeyChangedError, String(r.err));
    assert.equal(r.err.kind, 'host-key-changed');
    assert.match(r.err.message, /CHANGED/);
    assert.match(r.err.message, /ssh-keygen -R/);
    assert.equal(r.err.key.fingerprint, await sshKeygenFingerprint(`${sshd.hostKey.path}.pub`));
  });

  it('refuses a changed key recorded in a hashed entry', async () => {
    const other = await keygen(sshd.dir, `other_hashed_${n}`);
    const file = join(sshd.dir, 'hashed_changed');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${other.pub}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const r = await attempt({ confirmUnknown: async () => true }, await readFile(file, 'utf8'));
    assert.ok(r.err instanceof HostKeyChangedError, String(r.err));
  });

  it('refuses a revoked key', async () => {
    const r = await attempt({ confirmUnknown: async () => true }, `@revoked * ${sshd.hostKey.pub}\n`);
    assert.ok(r.err instanceof HostKeyChangedError, String(r.err));
  });
});
