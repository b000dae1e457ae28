// The run step's CLI against a lab device, as a person types it: `pier deploy PATH` (build, ship,
// start, health, keep), a redeploy, `pier ps`, `pier exec`, `pier rollback`, and a deploy of a
// version that exits at once (rolled back, exit status 1, its exit code and log lines shown).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { useLab } from '../lab/harness';

const LAB = 'runcli';
const lab = useLab({ name: LAB, devices: 1 });
const root = resolve(__dirname, '..', '..');
const device = `${LAB}/dev1`;
let dir: string;

/** Run `pier ARGS` from the sources; resolves with its exit status and output. */
function pier(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'client/src/cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}

/** The app's folder with a given page and, for a broken version, a command that exits 3. */
function writeApp(page: string, broken = false): void {
  writeFileSync(join(dir, 'www', 'version'), `${page}\n`);
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM pier-lab/busybox:arm64
COPY www /www
HEALTHCHECK --interval=1s --timeout=10s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/version"]
${broken ? 'CMD ["sh", "-c", "echo cannot open /dev/i2c-1 >&2; exit 3"]' : 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]'}
`,
  );
}

describe('pier deploy / ps / exec / rollback on a lab device', { skip: lab.skip, timeout: 900_000 }, () => {
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'pier-run-cli-')), 'clock');
    mkdirSync(join(dir, 'www'), { recursive: true });
  });
  after(() => rmSync(resolve(dir, '..'), { recursive: true, force: true }));

  const versions: string[] = [];

  test('pier deploy PATH builds, ships, starts and keeps the app once healthy', async () => {
    writeApp('one');
    const r = await pier(['deploy', '--device', device, dir]);
    assert.equal(r.code, 0, r.stderr);
    const tag = r.stdout.trim();
    assert.match(tag, /^clock:[0-9a-f]{12}$/);
    versions.push(tag.split(':')[1]);
    assert.match(r.stderr, new RegExp(`pier deploy: clock ${versions[0]} runs on ${device} and is healthy\\.\\n`));
  });

  test('a redeploy replaces the running version', async () => {
    writeApp('two');
    const r = await pier(['deploy', '--device', device, dir]);
    assert.equal(r.code, 0, r.stderr);
    versions.push(r.stdout.trim().split(':')[1]);
    assert.match(r.stderr, new RegExp(`clock ${versions[1]} runs on ${device} and is healthy; it replaced ${versions[0]}\\.`));
  });

  test('pier ps lists it running and healthy, with app and version', async () => {
    const r = await pier(['ps', '--device', device, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { name: string; state: string; health?: string; app?: string; version?: string; restarts: number }[];
    const c = rows.find((x) => x.name === 'clock');
    assert.deepEqual([c?.state, c?.health, c?.app, c?.version, c?.restarts], ['running', 'healthy', 'clock', versions[1], 0]);
    const table = await pier(['ps', '--device', device]);
    assert.match(table.stdout, new RegExp(`^clock +up .*\\(healthy\\) +0 .* clock +${versions[1]} +clock:${versions[1]}$`, 'm'));
  });

  test('pier exec runs a command in the container and exits with its status', async () => {
    const r = await pier(['exec', '--device', device, 'clock', '--', 'sh', '-c', 'cat /www/version; echo to-stderr >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'two\n');
    assert.match(r.stderr, /to-stderr/);
  });

  test('pier rollback puts the version before back, healthy', async () => {
    const r = await pier(['rollback', '--device', device, 'clock']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`rolling clock back from ${versions[1]} to ${versions[0]}`));
    assert.match(r.stderr, new RegExp(`clock ${versions[0]} runs on ${device} and is healthy; it replaced ${versions[1]}\\.`));
    const page = await pier(['exec', '--device', device, 'clock', '--', 'cat', '/www/version']);
    assert.equal(page.stdout, 'one\n');
  });

  test('a version that exits at once: exit status 1, rolled back, its exit code and last lines shown', async () => {
    writeApp('three', true);
    const r = await pier(['deploy', '--device', device, dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`failed on ${device}: it exited with code 3.*\\(exit code 3\\)\\. Rolled back: ${versions[0]} runs again and is healthy\\.`));
    assert.match(r.stderr, /Last lines of its log:\ncannot open \/dev\/i2c-1/);
    const ps = JSON.parse((await pier(['ps', '--device', device, '--json'])).stdout) as { name: string; version?: string; health?: string }[];
    assert.deepEqual(
      ps.filter((x) => x.name.startsWith('clock')).map((x) => [x.name, x.version, x.health]),
      [['clock', versions[0], 'healthy']],
    );
  });

  test('pier rollback of an app Pier never deployed says so', async () => {
    const r = await pier(['rollback', '--device', device, 'nosuch']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Pier has not deployed an app named nosuch on runcli\/dev1 \(it has: clock\), so there is nothing to roll back\./);
  });
});
