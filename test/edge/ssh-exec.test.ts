// Commands over one real connection: 20 at once (more than sshd's MaxSessions), exit codes,
// stdin, cancelling, and hostile values that must arrive as data and never run.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeviceError } from '../../client/src/edge/ssh/errors';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { CommandFailedError, execRemote, forwardIn, runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { startSshd, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';

describe('commands over one connection to a real sshd', () => {
  let sshd: TestSshd;
  let pool: SshPool;
  let conn: SshConnection;
  let scratch: string;
  before(async () => {
    sshd = await startSshd();
    const pierKh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(pierKh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh } }));
    conn = pool.get(targetFor(sshd));
    scratch = await mkdtemp(join(tmpdir(), 'pier-inject-'));
    await chmod(scratch, 0o777);
  });
  after(async () => {
    pool?.closeAll();
    await sshd?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('runs 20 commands in parallel over a single connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => runRemote(conn, ['sh', '-c', 'echo "$1 $SSH_CONNECTION"', 'sh', String(i)])),
    );
    const lines = results.map((r) => r.trim().split(' '));
    assert.deepEqual(
      lines.map((l) => l[0]),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    const clientPorts = new Set(lines.map((l) => l[2]));
    assert.equal(clientPorts.size, 1, 'every command came over the same TCP connection');
    assert.equal(sshd.log().match(/Accepted publickey/g)?.length, 1, 'sshd saw exactly one login');
    assert.equal(pool.get(targetFor(sshd)), conn, 'the pool hands out the same connection');
  });

  it('reports exit codes and stderr, and runRemote throws a typed error on failure', async () => {
    const r = await execRemote(conn, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout.toString(), 'out\n');
    assert.equal(r.stderr.toString(), 'err\n');
    await assert.rejects(runRemote(conn, ['sh', '-c', 'echo bad >&2; exit 7']), (e: unknown) => {
      assert.ok(e instanceof CommandFailedError);
      assert.equal(e.kind, 'command-failed');
      assert.match(e.message, /exit 7.*bad/);
      return true;
    });
  });

  it('feeds stdin byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const r = await execRemote(conn, ['cat'], { stdin: data });
    assert.ok(r.stdout.equals(data));
  });

  it('an input stream that fails mid-way fails the command with its reason, and nothing throws later', async () => {
    let sent = 0;
    const input = new Readable({
      read() {
        if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, 1));
        else this.destroy(new Error('the archive source broke'));
      },
    });
    await assert.rejects(execRemote(conn, ['sh', '-c', 'cat > /dev/null; echo done'], { stdin: input }), (e: unknown) => {
      assert.ok(e instanceof DeviceError);
      assert.match(e.message, /input of 'sh -c .*' on test-device failed: the archive source broke/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await runRemote(conn, ['echo', 'still usable']), 'still usable\n', 'the connection still works');
  });

  it('cancels a running command through its AbortSignal', async () => {
    const ac = new AbortController();
    const started = execRemote(conn, ['sh', '-c', 'echo started >&2; exec sleep 60'], { signal: ac.signal });
    // Abort once the remote side really runs: wait for a second command to see the sleeper.
    await waitFor(async () => (await execRemote(conn, ['sh', '-c', 'ps -eo args 2>/dev/null | grep -c "^sleep 60" || true'])).stdout.toString().trim() !== '0');
    ac.abort();
    await assert.rejects(started, (e: unknown) => e instanceof DeviceError && e.kind === 'aborted');
  });

  it('passes hostile names, env values and paths as data: nothing runs, bytes arrive unchanged', async () => {
    const marker = join(scratch, 'pwned');
    const hostile = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `; touch ${marker}`,
      `x && touch ${marker}`,
      `x | touch ${marker}`,
      `\ntouch ${marker}\n`,
      `'; touch ${marker}; '`,
      `"; touch ${marker}; "`,
      `\\'; touch ${marker} #`,
      `$(IFS=_;cmd=touch_${marker};$cmd)`,
      `> ${marker}`,
      `my-app'$(touch ${marker})'`,
      'registry.local:5000/team/app:v1;rm -rf /',
      `/data/it's "quoted" \\ dir/$HOME/*`,
      '-rf',
      '',
      ' leading and trailing ',
      'tab\tcr\rnewline\n',
      'ünïcødé ✓ 🚢',
      '$PATH ${HOME} $((1+1)) !! ~root',
    ];
    // As program arguments (container names, image names, paths).
    const asArgs = await execRemote(conn, ['printf', '%s\\0', ...hostile]);
    assert.deepEqual(asArgs.stdout.toString('utf8').split('\0').slice(0, -1), hostile);
    // As environment values, read by a fixed script.
    for (const v of hostile) {
      const r = await execRemote(conn, ['sh', '-c', 'printf "%s" "$PIER_VALUE"'], { env: { PIER_VALUE: v } });
      assert.equal(r.stdout.toString('utf8'), v);
    }
    // As file names, relative to a working directory, where a relative `touch` would land there.
    const names = ["d $(touch pwned) 'q' \"dq\" `touch pwned`;touch pwned", "f\n$(touch pwned)|touch pwned&"];
    await runRemote(conn, ['mkdir', '-p', names[0]], { cwd: scratch });
    await runRemote(conn, ['touch', `${names[0]}/${names[1]}`], { cwd: scratch });
    assert.ok(existsSync(join(scratch, names[0], names[1])), 'the file has exactly the hostile name');
    const listed = await runRemote(conn, ['sh', '-c', 'for f in "$1"/*; do printf "%s\\0" "${f#"$1"/}"; done', 'sh', names[0]], { cwd: scratch });
    assert.deepEqual(listed.split('\0').slice(0, -1), [names[1]]);
    assert.equal(existsSync(join(scratch, 'pwned')), false, 'no relative marker was created');
    assert.equal(existsSync(marker), false, 'no hostile value was executed');
  });

  it('serves connections the device makes to a reverse tunnel (forwardIn), on the same connection', async () => {
    const server = createServer((req, res) => {
      res.end(`tunnel saw ${req.method} ${req.url}`);
    });
    const fwd = await forwardIn(conn, '127.0.0.1', 0, (stream) => server.emit('connection', stream));
    try {
      assert.ok(fwd.port > 0, 'the device picked a port');
      const out = await runRemote(conn, ['curl', '-s', `http://127.0.0.1:${fwd.port}/v2/`]);
      assert.equal(out, 'tunnel saw GET /v2/');
      assert.equal(sshd.log().match(/Accepted publickey/g)?.length, 1, 'still the one connection');
    } finally {
      await fwd.close();
    }
  });
});

describe('an sshd whose MaxSessions is below the channels Pier opens at once', () => {
  it('waits for a free session instead of failing when sshd refuses one', async () => {
    const sshd = await startSshd({ extraConfig: 'MaxSessions 2\n', logLevel: 'DEBUG' });
    const pierKh = join(sshd.dir, 'pier_known_hosts');
    await writeFile(pierKh, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub}\n`);
    const pool = new SshPool(optionsIn(sshd.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: pierKh }, maxChannels: 6 }));
    try {
      const conn = pool.get(targetFor(sshd));
      const out = await Promise.all(Array.from({ length: 12 }, (_, i) => runRemote(conn, ['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', String(i)])));
      assert.deepEqual(out.map((o) => o.trim()), Array.from({ length: 12 }, (_, i) => String(i)));
      assert.match(sshd.log(), /session open failed/i, 'sshd did refuse sessions on the way');
    } finally {
      pool.closeAll();
      await sshd.stop();
    }
  });
});


/** Poll a condition on events of the remote side; fails after a time limit instead of hanging. */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
}