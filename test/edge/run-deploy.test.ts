// The run step against a lab device: first deploy, a redeploy beside the running version, a
// stop-first redeploy for an app with published ports, the two failures that must roll back (a
// version that exits at once, one that never becomes healthy), a manual rollback, and pruning.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useLab } from '../lab/harness';
import { labOptions, labTarget } from './logs-helpers';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { resolveRunConfig } from '../../client/src/edge/run/config';
import { deployContainer, rollbackContainer, type RunTarget } from '../../client/src/edge/run/run-container';
import type { RunConfig } from '../../client/src/edge/run/types';
import { appContainers, buildTestImage, Events, putImage, resetApp } from './run-helpers';
import { runRemote } from '../../client/src/edge/ssh/exec';

const lab = useLab({ name: 'runtest', devices: 1 });
let pool: SshPool;
let conn: SshConnection;
const versions: Record<string, string> = {};

function config(raw: Record<string, unknown>): RunConfig {
  return resolveRunConfig(raw, { baseDir: '/tmp', fallbackName: 'app', env: {} });
}

function target(ev: Events): RunTarget {
  return { conn, runtime: { name: 'docker', access: 'direct' }, onEvent: ev.listener };
}

describe('run step on a lab device', { skip: lab.skip, timeout: 900_000 }, () => {
  before(async () => {
    const d = lab.device();
    pool = new SshPool(labOptions(d));
    conn = pool.get(labTarget(d));
    await resetApp(conn, 'web');
    // Built once for the file: two good versions, then the failing kinds.
    for (const [key, kind] of [['v1', 'good'], ['v2', 'good'], ['v3', 'good'], ['crash', 'crash'], ['unhealthy', 'unhealthy'], ['silent', 'silent']] as const) {
      versions[key] = await putImage(conn, await buildTestImage(d, kind, `web-${key}`), 'web');
    }
  });

  after(() => pool?.closeAll());

  async function only(app: string) {
    const cs = await appContainers(conn, app);
    assert.equal(cs.length, 1, `exactly one container of ${app}: ${JSON.stringify(cs)}`);
    return cs[0];
  }

  test('first deploy: the version runs and is healthy (image HEALTHCHECK)', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web' }), versions.v1);
    assert.equal(out.status, 'deployed', ev.text());
    const c = await only('web');
    assert.deepEqual([c.name, c.status, c.health, c.version], ['web', 'running', 'healthy', versions.v1]);
    assert.match(out.summary, /runs on dev1 and is healthy/);
    // Defaults a small device wants: restart policy and bounded logs.
    const hc = await runRemote(conn, ['docker', 'inspect', '-f', '{{.HostConfig.RestartPolicy.Name}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}} {{.HostConfig.Privileged}}', 'web']);
    assert.equal(hc.trim(), 'unless-stopped 10m 3 false');
  });

  test('the same version again changes nothing', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web' }), versions.v1);
    assert.equal(out.status, 'unchanged');
    assert.match(ev.text(), /already runs on dev1/);
  });

  test('redeploy without ports: the new version starts beside the old one, which keeps serving until it passes', async () => {
    const ev = new Events();
    const since = (await runRemote(conn, ['date', '+%s'])).trim();
    const out = await deployContainer(target(ev), config({ name: 'web' }), versions.v2);
    assert.equal(out.status, 'deployed', ev.text());
    // The engine's own record: the new container started and became healthy before the old one died.
    const until = String(Number((await runRemote(conn, ['date', '+%s'])).trim()) + 1);
    const log = await runRemote(conn, ['docker', 'events', '--since', since, '--until', until, '--filter', 'label=dev.pier.app=web', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
    const actions = log.split('\n').filter(Boolean);
    // `--since` counts whole seconds, so the previous deploy's events may come first: read from this start on.
    const started = actions.lastIndexOf('start web-pier-next');
    const healthy = actions.findIndex((a, i) => i > started && a.startsWith('health_status: healthy') && a.endsWith('web-pier-next'));
    const oldDied = actions.findIndex((a, i) => i > started && a === 'die web');
    assert.ok(started >= 0 && healthy > started && oldDied > healthy, `old and new ran side by side until the new was healthy: ${actions.join(' / ')}`);
    assert.equal((await only('web')).version, versions.v2);
  });

  test('a version that exits at once is rolled back, with its exit code and last log lines', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web' }), versions.crash);
    assert.equal(out.status, 'rolled-back', ev.text());
    assert.equal(out.failure?.exitCode, 3);
    assert.match(out.failure?.logs ?? '', /boom: the configuration is missing/);
    assert.match(out.summary, /failed on dev1: it exited with code 3/);
    assert.match(out.summary, new RegExp(`Rolled back: ${versions.v2} runs again and is healthy`));
    const c = await only('web');
    assert.deepEqual([c.name, c.status, c.health, c.version], ['web', 'running', 'healthy', versions.v2]);
  });

  test('a version whose HEALTHCHECK never passes is rolled back', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web', healthTimeout: 20 }), versions.unhealthy);
    assert.equal(out.status, 'rolled-back', ev.text());
    assert.match(out.summary, /HEALTHCHECK reports unhealthy/);
    const c = await only('web');
    assert.deepEqual([c.status, c.health, c.version], ['running', 'healthy', versions.v2]);
  });

  test('a configured probe that never passes times out and rolls back', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web', health: { tcp: 8080 }, healthTimeout: 4 }), versions.silent);
    assert.equal(out.status, 'rolled-back', ev.text());
    assert.match(out.summary, /not healthy within 4 s \(nothing accepts connections on port 8080\)/);
    assert.match(out.failure?.logs ?? '', /started, but not listening/);
    assert.equal((await only('web')).version, versions.v2);
  });

  test('with a published port the old version stops first, is kept until the new passes, and comes back when it fails', async () => {
    const cfg = config({ name: 'web', ports: ['8080:8080'], health: { http: '/version', port: 8080 } });
    const ev = new Events();
    const out = await deployContainer(target(ev), cfg, versions.v3);
    assert.equal(out.status, 'deployed', ev.text());
    assert.match(ev.text(), /stops first/);
    // Served on the device's published port (probed from the device itself).
    const body = await runRemote(conn, ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/version']);
    assert.equal(body.trim(), 'web-v3');
    // Failed versions are pruned by the next good deploy (this one): put the crashing one back.
    versions.crash = await putImage(conn, await buildTestImage(lab.device(), 'crash', 'web-crash'), 'web');
    const ev2 = new Events();
    const bad = await deployContainer(target(ev2), cfg, versions.crash);
    assert.equal(bad.status, 'rolled-back', ev2.text());
    assert.match(ev2.text(), /kept as web-pier-prev until the new one passes/);
    const c = await only('web');
    assert.deepEqual([c.status, c.version], ['running', versions.v3]);
    assert.equal((await runRemote(conn, ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/version'])).trim(), 'web-v3');
  });

  test('manual rollback goes to the version before, healthy', async () => {
    const ev = new Events();
    const out = await rollbackContainer(target(ev), 'web');
    assert.equal(out.status, 'deployed', ev.text());
    assert.equal(out.running, versions.v2);
    assert.match(ev.text(), new RegExp(`rolling web back from ${versions.v3} to ${versions.v2}`));
    const c = await only('web');
    assert.deepEqual([c.status, c.health, c.version], ['running', 'healthy', versions.v2]);
  });

  test('prune keeps the last N versions and never the one running', async () => {
    const ev = new Events();
    const out = await deployContainer(target(ev), config({ name: 'web', keepVersions: 2 }), versions.v1);
    assert.equal(out.status, 'deployed', ev.text());
    const tags = (await runRemote(conn, ['docker', 'images', '--format', '{{.Tag}}', 'web'])).split('\n').filter(Boolean).sort();
    // History: v1, v2, v3, v2, v1 -> the last two distinct are v1 and v2; v3 and the failed ones go.
    assert.deepEqual(tags, [versions.v1, versions.v2].sort(), ev.text());
    assert.match(ev.text(), new RegExp(`pruned web:${versions.v3}`));
  });
});
