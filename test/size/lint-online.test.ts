// `pier lint --online`: base-image-platform-missing in CI, with the published platforms read from a
// real registry (Debian's docker-registry on loopback) holding an arm64-only tag, through the real
// CLI in a child process. Without --online the rule stays quiet (nothing is known offline).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureEngineAndBases, pushToRegistry, sizeSkipReason, startRegistry, type TestRegistry } from './registry-harness';

const skip = sizeSkipReason({ docker: true, registry: true });
const MAIN = resolve(__dirname, '../../client/src/cli/main.ts');
let reg: TestRegistry;
const dir = mkdtempSync(join(tmpdir(), 'pier-lint-online-'));

before(async () => {
  if (skip) return;
  await ensureEngineAndBases();
  reg = await startRegistry();
  await pushToRegistry(reg, 'pier-lab/busybox:arm64', 'base:arm64only');
});
after(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `pier lint` with its own size cache; resolves with exit code and output. */
function lint(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), HOME: join(dir, 'home') };
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'lint', '--format', 'json', '--fail-level', 'none', ...args], { env, cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const ruleHits = (json: string) => (JSON.parse(json) as Array<{ rule: string }>).filter((f) => f.rule === 'base-image-platform-missing').length;

test('--online reads published platforms from the registry; offline the rule has nothing to go on', { skip }, async () => {
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, `FROM ${reg.host}/base:arm64only\nCMD ["sh"]\n`);
  const v7 = await lint(['--online', '--platform', 'linux/arm/v7', file]);
  assert.equal(v7.code, 0, v7.stderr);
  assert.equal(ruleHits(v7.stdout), 1, v7.stdout);
  assert.match(v7.stdout, /not published for linux\/arm\/v7 \(only linux\/arm64\)/);
  const arm64 = await lint(['--online', '--platform', 'linux/arm64', file]);
  assert.equal(ruleHits(arm64.stdout), 0, arm64.stdout);
  const offline = await lint(['--platform', 'linux/arm/v7', file]);
  assert.equal(ruleHits(offline.stdout), 0, offline.stdout);
});

test('--online with the registry down: the lint finishes within the lookup deadline, rule quiet', { skip }, async () => {
  const file = join(dir, 'Dockerfile.down');
  // Port 9 on loopback: nothing listens, the connection is refused at once.
  writeFileSync(file, 'FROM 127.0.0.1:9/base:1\n');
  const t0 = Date.now();
  const r = await lint(['--online', '--platform', 'linux/arm/v7', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(ruleHits(r.stdout), 0);
  process.stdout.write(`# lint --online with the registry down: ${Date.now() - t0} ms (process start included)\n`);
});
