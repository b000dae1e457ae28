// The lab under bad input: down without up, not root, a run killed halfway, a stale namespace,
// a subnet in use, missing binfmt entries, and interrupts. Each ends in one clear line and a
// correct state, never a half-built lab. Needs root (CI runs it as root).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { labDown, labStatus, labUp, type LabState } from '../../client/src/edge/lab';
import { ensureBinfmt, ensurePackages } from '../../client/src/edge/lab/prereqs';
import { run } from '../../client/src/edge/lab/run';
import { pickSlot, readState } from '../../client/src/edge/lab/state';
import { labSkipReason } from './harness';
import { labPids, labTraces, lineReader } from './lab-helpers';

const skip = labSkipReason();
const NAME = 'labbad';
const images = [{ kind: 'busybox' as const, arch: 'arm64' as const }];
const noTraces = { netns: [], links: [], pids: [], mounts: [], iptables: [], files: [] };

/** Run `pier` from source; `onLine` sees each stderr line and may act on it. */
function cli(args: string[], o: { uid?: number; onLine?: (line: string, child: ChildProcess) => void } = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const argv = ['--import', 'tsx', 'client/src/cli/main.ts', ...args];
  const child = o.uid === undefined ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('setpriv', [`--reuid=${o.uid}`, `--regid=${o.uid}`, '--clear-groups', process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  const lines = lineReader(child.stderr!);
  void (async () => {
    for (let l = await lines.next(); l !== '' || child.exitCode === null; l = await lines.next()) {
      if (l === '' && child.stderr!.readableEnded) break;
      stderr += l + '\n';
      o.onLine?.(l, child);
    }
  })();
  return once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stdout, stderr }));
}

async function expectClean(state: LabState | undefined, pids: number[] = []): Promise<void> {
  if (state) assert.deepEqual(await labTraces(state, pids), noTraces);
  assert.equal(readState(NAME), undefined);
  const ns = (await run('ip', ['netns', 'list'])).stdout;
  assert.ok(!ns.includes(`pier-${NAME}-`), ns);
}

describe('lab bad input', { skip: skip ? `LAB TESTS SKIPPED: ${skip}` : false }, () => {
  after(async () => {
    await labDown({ name: NAME }).catch(() => undefined);
  });

  test('down without up says so in one line and succeeds', async () => {
    assert.equal(await labDown({ name: NAME }), false);
    const r = await cli(['lab', 'down', '--name', NAME]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `lab '${NAME}' was not up; nothing to do\n`);
  });

  test('not root: one line, exit 1, nothing created', async () => {
    const r = await cli(['lab', 'up', '--name', NAME], { uid: 65534 });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^pier lab up: the device lab needs root: .* run it with sudo$/m);
    await expectClean(undefined);
  });

  test('a subnet already in use on the host is refused in one line and nothing is made', async () => {
    const slot = pickSlot(NAME);
    await run('ip', ['link', 'add', 'pltestbusy', 'type', 'bridge']);
    try {
      await run('ip', ['addr', 'add', `10.77.${slot}.200/24`, 'dev', 'pltestbusy']);
      await assert.rejects(labUp({ name: NAME, images }), (e: Error) => e.message === `the lab's subnet 10.77.${slot}.0/24 is already in use on this host (10.77.${slot}.200 on pltestbusy); remove it or pick another lab name`);
      await expectClean(undefined);
    } finally {
      await run('ip', ['link', 'del', 'pltestbusy'], { allowFail: true });
    }
  });

  test('missing or disabled binfmt entries are registered again', async () => {
    const entry = '/proc/sys/fs/binfmt_misc/qemu-arm';
    // qemu-user-static brings the entries' definitions; on a fresh machine this installs it.
    await ensurePackages({ install: true });
    await ensureBinfmt(['armv7']);
    writeFileSync(entry, '0');
    assert.deepEqual(await ensureBinfmt(['armv7']), ['enabled qemu-arm']);
    writeFileSync(entry, '-1');
    assert.equal(existsSync(entry), false);
    assert.deepEqual(await ensureBinfmt(['armv7']), ['registered qemu-arm']);
    assert.deepEqual(await ensureBinfmt(['armv7', 'arm64']), []);
  });

  test('SIGINT during `pier lab up` stops it and removes what it made', async () => {
    let sent = false;
    const r = await cli(['lab', 'up', '--name', NAME, '--images', 'busybox'], {
      onLine: (l, child) => {
        if (!sent && /starting 1 device/.test(l)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /pier lab up: cancelled: interrupted by SIGINT/);
    await expectClean(undefined);
  });

  test('a run killed halfway is cleaned up by the next up, which then works', async () => {
    let killed: LabState | undefined;
    const r = await cli(['lab', 'up', '--name', NAME, '--images', 'busybox'], {
      onLine: (l, child) => {
        if (!killed && /starting 1 device/.test(l)) {
          killed = readState(NAME);
          child.kill('SIGKILL');
        }
      },
    });
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(killed);
    assert.notEqual(labStatus(NAME).healthy, true);
    const lines: string[] = [];
    const state = await labUp({ name: NAME, images, onProgress: (m) => lines.push(m) });
    assert.ok(lines.some((l) => l.startsWith(`cleaning up lab '${NAME}' left by an earlier run that did not finish`)), lines.join('\n'));
    assert.equal(labStatus(NAME).healthy, true);
    const pids = await labPids(state);
    await labDown({ name: NAME });
    await expectClean(killed);
    await expectClean(state, pids);
  });

  test('a stale namespace and veth without any state are removed by up', async () => {
    const slot = pickSlot(NAME);
    const ns = `pier-${NAME}-dev1`;
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', `pl${slot}d1`, 'type', 'veth', 'peer', 'name', `pl${slot}d1p`]);
    // A process still running inside the stale namespace, as a killed run's sshd would be.
    const squatter = spawn('nsenter', [`--net=/run/netns/${ns}`, '--', 'sleep', '600'], { stdio: 'ignore' });
    await once(squatter, 'spawn');
    const gone = once(squatter, 'exit');
    const lines: string[] = [];
    const state = await labUp({ name: NAME, images, onProgress: (m) => lines.push(m) });
    const removed = lines.find((l) => l.startsWith('removing leftovers of a killed lab run: '));
    assert.deepEqual(removed?.slice(removed.indexOf(': ') + 2).split(', ').sort(), [ns, `pl${slot}d1`, `pl${slot}d1p`].sort(), lines.join('\n'));
    await gone;
    assert.equal(labStatus(NAME).healthy, true);
    await labDown({ name: NAME });
    await expectClean(state);
  });

  test('a test process interrupted with SIGTERM takes its lab down', async () => {
    const script = `
      const { ensureLab } = require('./test/lab/harness');
      ensureLab({ name: '${NAME}' }).then(() => { console.log('ready'); setInterval(() => undefined, 1000); });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = lineReader(child.stdout!);
    assert.equal(await lines.next(), 'ready');
    const state = readState(NAME);
    assert.ok(state && labStatus(NAME).healthy);
    const pids = await labPids(state);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 143);
    await expectClean(state, pids);
  });
});
