// Logging in against a real sshd: key files, an encrypted key with its passphrase asked (and
// asked again after a wrong one), a real ssh-agent with and without IdentitiesOnly, a wrong key.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeviceError } from '../../client/src/edge/ssh/errors';
import { runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SecretPrompts, SshOptions, SshTarget } from '../../client/src/edge/ssh/target';
import { randomBytes } from 'node:crypto';
import { keygen, setTestUserPassword, startAgent, startSshd, type KeyPair, type TestAgent, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';

describe('authentication against a real sshd', () => {
  let sshd: TestSshd;
  let agent: TestAgent;
  let encrypted: KeyPair;
  let stranger: KeyPair;
  let pierKh: string;
  const savedHome = process.env.HOME;
  before(async () => {
    // An empty home, so OpenSSH's default identity files of this machine play no part.
    process.env.HOME = await mkdtemp(join(tmpdir(), 'pier-home-'));
    sshd = await startSshd();
    encrypted = await keygen(sshd.dir, 'enc_ed25519', 'correct horse');
    stranger = await keygen(sshd.dir, 'stranger_ed25519');
    await writeFile(sshd.authorizedKeys, `${sshd.clientKey.pub}\n${encrypted.pub}\n`);
    pierKh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(pierKh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    agent = await startAgent(sshd.dir);
  });
  after(async () => {
    const tempHome = process.env.HOME;
    process.env.HOME = savedHome;
    if (tempHome && tempHome !== savedHome) await rm(tempHome, { recursive: true, force: true });
    await agent?.stop();
    await sshd?.stop();
  });

  async function login(target: Partial<SshTarget>, over: Partial<SshOptions> = {}): Promise<string> {
    const pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh }, ...over }));
    try {
      return await runRemote(pool.get(targetFor(sshd, target)), ['id', '-un']);
    } finally {
      pool.closeAll();
    }
  }

  it('logs in with a key file', async () => {
    assert.equal(await login({}), `${sshd.user}\n`);
  });

  it('refuses a wrong key with an auth error that names what was tried', async () => {
    await assert.rejects(login({ identityFiles: [stranger.path] }), (e: unknown) => {
      assert.ok(e instanceof DeviceError);
      assert.equal(e.kind, 'auth');
      assert.ok(e.message.includes(stranger.path), e.message);
      assert.match(e.message, /authorized_keys/);
      assert.equal(e.retryable, false);
      return true;
    });
  });

  it('asks for the passphrase of an encrypted key, again after a wrong one, and reports the right one', async () => {
    const asked: boolean[] = [];
    const remembered: string[] = [];
    const forgotten: string[] = [];
    const answers = ['wrong', 'correct horse'];
    const secrets: SecretPrompts = {
      passphrase: async (req) => {
        assert.equal(req.keyFile, encrypted.path);
        asked.push(req.retry);
        return answers.shift();
      },
      remember: (kind, id, value) => void remembered.push(`${kind}:${id}:${value}`),
      forget: (kind, id) => void forgotten.push(`${kind}:${id}`),
    };
    assert.equal(await login({ identityFiles: [encrypted.path] }, { secrets }), `${sshd.user}\n`);
    assert.deepEqual(asked, [false, true]);
    assert.deepEqual(remembered, [`passphrase:${encrypted.path}:correct horse`]);
    assert.deepEqual(forgotten, [`passphrase:${encrypted.path}`]);
  });

  it('gives up on an encrypted key when nobody answers', async () => {
    await assert.rejects(login({ identityFiles: [encrypted.path] }, { secrets: { passphrase: async () => undefined } }), (e: unknown) => e instanceof DeviceError && e.kind === 'auth');
    await assert.rejects(login({ identityFiles: [encrypted.path] }), (e: unknown) => e instanceof DeviceError && e.kind === 'auth');
  });

  it('logs in through a real ssh-agent', async () => {
    await agent.add(sshd.clientKey.path);
    const out = await login({ identityFiles: [], identitiesOnly: false }, { agentSocket: agent.socket });
    assert.equal(out, `${sshd.user}\n`);
  });

  it('with IdentitiesOnly, offers only agent keys that match the configured identity files', async () => {
    await agent.add(sshd.clientKey.path);
    // The stranger's file is configured, so the agent's (accepted) key is not offered: refused.
    await assert.rejects(login({ identityFiles: [stranger.path], identitiesOnly: true }, { agentSocket: agent.socket }), (e: unknown) => {
      assert.ok(e instanceof DeviceError && e.kind === 'auth');
      assert.doesNotMatch(e.message, /tried: [^)]*ssh-agent/);
      return true;
    });
    // A .pub beside a configured file that matches the agent key lets the agent sign for it.
    const pubOnly = join(sshd.dir, 'agent_only');
    await writeFile(`${pubOnly}.pub`, sshd.clientKey.pub + '\n');
    await writeFile(pubOnly, 'not a key, the agent holds it\n');
    assert.equal(await login({ identityFiles: [pubOnly], identitiesOnly: true }, { agentSocket: agent.socket }), `${sshd.user}\n`);
  });

  it('falls back to a password when no key is accepted, asks again after a refusal, and reports the one that worked', { skip: process.getuid?.() === 0 ? false : 'needs root to give the test user a password' }, async () => {
    const password = randomBytes(12).toString('base64url');
    const pwSshd = await startSshd({ passwordAuth: true });
    setTestUserPassword(password);
    try {
      const kh = join(pwSshd.dir, 'kh');
      await writeFile(kh, `[127.0.0.1]:${pwSshd.port} ${pwSshd.hostKey.pub}\n`);
      const asked: boolean[] = [];
      const remembered: string[] = [];
      const answers = ['not-it', password];
      const pool = new SshPool(
        optionsIn(pwSshd.dir, {
          hostKeys: { knownHostsFiles: [], pierKnownHostsFile: kh },
          secrets: {
            password: async (r) => (asked.push(r.retry), answers.shift()),
            remember: (kind, id, value) => void remembered.push(`${kind}:${id}:${value === password}`),
          },
        }),
      );
      try {
        const out = await runRemote(pool.get(targetFor(pwSshd, { identityFiles: [stranger.path] })), ['id', '-un']);
        assert.equal(out, `${pwSshd.user}\n`);
      } finally {
        pool.closeAll();
      }
      assert.deepEqual(asked, [false, true]);
      assert.deepEqual(remembered, [`password:${pwSshd.user}@127.0.0.1:${pwSshd.port}:true`]);
    } finally {
      setTestUserPassword(undefined);
      await pwSshd.stop();
    }
  });
});
