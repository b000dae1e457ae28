// `pier devices` and `pier device probe|doctor` as a script runs them: a real process against a
// real sshd, unknown host keys refused unless --accept-new-host-key, changed keys always refused.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keygen, sshKeygenFingerprint, startSshd, type TestSshd } from './helpers/sshd';

const MAIN = resolve(__dirname, '../../client/src/cli/main.ts');

describe('pier devices / pier device against a real sshd', () => {
  let sshd: TestSshd;
  let home: string;
  let settings: string;
  let pierKh: string;
  before(async () => {
    sshd = await startSshd();
    home = join(sshd.dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), `Host cfg-only\n  HostName 127.0.0.1\n  Port ${sshd.port}\n`);
    settings = join(sshd.dir, 'settings.json');
    await writeFile(settings, `{\n  // as in .vscode/settings.json\n  "pier.devices": [{ "name": "loop", "host": "127.0.0.1", "port": ${sshd.port}, "user": "${sshd.user}", "identityFile": "${sshd.clientKey.path}" },],\n}\n`);
    pierKh = join(sshd.dir, 'pier_known_hosts_cli');
  });
  after(async () => {
    await sshd?.stop();
  });

  function pier(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PIER_KNOWN_HOSTS: pierKh };
      delete env.SSH_AUTH_SOCK;
      const p = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  it('lists devices from the settings file and ~/.ssh/config', async () => {
    const r = await pier(['devices', '--json', '--config', settings]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { name: string; source: string; port: number }[];
    assert.deepEqual(rows.map((x) => `${x.name}:${x.source}:${x.port}`), [`loop:settings:${sshd.port}`, `cfg-only:ssh-config:${sshd.port}`]);
    const table = await pier(['devices', '--config', settings]);
    assert.match(table.stdout, /^NAME\s+ADDRESS/);
  });

  it('refuses an unknown host key without the flag, showing the fingerprint', async () => {
    const r = await pier(['device', 'probe', 'loop', '--config', settings]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(await sshKeygenFingerprint(`${sshd.hostKey.path}.pub`)), r.stderr);
    assert.match(r.stderr, /--accept-new-host-key/);
    assert.equal(await readFile(pierKh, 'utf8').catch(() => 'absent'), 'absent');
  });

  it('accepts it with --accept-new-host-key, then knows it', async () => {
    const r = await pier(['device', 'probe', 'loop', '--accept-new-host-key', '--config', settings]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^platform\s+linux\//m);
    assert.match(r.stderr, /trusting the new host key of loop .*SHA256:/);
    assert.match(await readFile(pierKh, 'utf8'), /ssh-ed25519/);
    const again = await pier(['device', 'probe', 'loop', '--json', '--config', settings]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).device, 'loop');
  });

  it('runs the doctor: findings with fixes, exit status from their severity', async () => {
    const r = await pier(['device', 'doctor', 'loop', '--config', settings]);
    assert.match(r.stdout, /^platform/m);
    const errors = /^ERROR /m.test(r.stdout);
    assert.equal(r.code, errors ? 1 : 0, r.stdout + r.stderr);
    for (const block of r.stdout.split(/\n(?=(?:ERROR|WARNING|INFO) )/).slice(1)) assert.match(block, /\n {2}fix: /);
  });

  it('refuses a changed host key even with --accept-new-host-key', async () => {
    const other = await keygen(sshd.dir, 'impostor');
    await writeFile(pierKh, `[127.0.0.1]:${sshd.port} ${other.pub}\n`);
    const r = await pier(['device', 'probe', 'loop', '--accept-new-host-key', '--config', settings]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CHANGED/);
    assert.equal(await readFile(pierKh, 'utf8'), `[127.0.0.1]:${sshd.port} ${other.pub}\n`, 'nothing was replaced');
  });

  it('says what is wrong for usage errors and unknown devices', async () => {
    assert.equal((await pier(['device', 'frobnicate', 'loop'])).code, 2);
    const r = await pier(['device', 'probe', 'nope', '--config', settings]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no device named 'nope'. Known devices: loop, cfg-only/);
  });
});
