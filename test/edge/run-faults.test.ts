// The run step's faults on a lab device that a person cannot prevent: the link cut after the
// image is on the device and before the start, the link cut during the health wait (once for a
// version that passes, once for one that fails and must be rolled back by the device alone), and
// two deploys started at once to the same device. In every case exactly one version of the app
// runs afterwards and is healthy, and what happened was said.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labCut, labHeal } from '../../client/src/edge/lab';
import { useLab } from '../lab/harness';
import { labOptions, labTarget } from './logs-helpers';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { resolveRunConfig } from '../../client/src/edge/run/config';
import { deployContainer, type RunTarget } from '../../client/src/edge/run/run-container';
import { DeviceBusyError } from '../../client/src/edge/run/lock';
import type { RunConfig } from '../../client/src/edge/run/types';
import { appContainers, buildTestImage, engineEvent, Events, putImage, resetApp } from './run-helpers';

const LAB = 'runfaults';
const lab = useLab({ name: LAB, devices: 1 });
// Quick to notice a dead link and to come back (a few seconds, and not so quick that a loaded
// machine's slow answer counts as a dead link).
const FAST = { keepaliveIntervalMs: 1_000, keepaliveCountMax: 3, connectTimeoutMs: 3_000, reconnect: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 1_000 } };
const pools: SshPool[] = [];
let conn: SshConnection;
const versions: Record<string, string> = {};

function config(raw: Record<string, unknown>): RunConfig {
  // Every version stays on the device: the tests go back to earlier ones.
  return resolveRunConfig({ keepVersions: 10, ...raw }, { baseDir: '/tmp', fallbackName: 'app', env: {} });
}

function target(ev: Events, c = conn, over: Partial<RunTarget> = {}): RunTarget {
  return { conn: c, runtime: { name: 'docker', access: 'direct' }, onEvent: ev.listener, ...over };
}

function newConn(fast = true): SshConnection {
  const d = lab.device();
  const p = new SshPool(labOptions(d, fast ? FAST : {}));
  pools.push(p);
  return p.get(labTarget(d));
}

async function onlyHealthy(app: string, version: string): Promise<void> {
  const cs = await appContainers(conn, app);
  assert.equal(cs.length, 1, `exactly one container of ${app}: ${JSON.stringify(cs)}`);
  assert.deepEqual([cs[0].name, cs[0].status, cs[0].health || 'none', cs[0].version], [app, 'running', cs[0].health ? 'healthy' : 'none', version]);
}

describe('run step faults on a lab device', { skip: lab.skip, timeout: 900_000 }, () => {
  before(async () => {
    const d = lab.device();
    conn = newConn(false);
    await resetApp(conn, 'web');
    for (const [key, kind] of [['v1', 'good'], ['v2', 'good'], ['v3', 'good'], ['v4', 'good'], ['silent', 'silent'], ['unhealthy', 'slow-unhealthy']] as const) {
      versions[key] = await putImage(conn, await buildTestImage(d, kind, `web-${key}`), 'web');
    }
    const ev = new Events();
    const first = await deployContainer(target(ev), config({ name: 'web' }), versions.v1);
    assert.equal(first.status, 'deployed', ev.text());
  });

  after(async () => {
    await labHeal('dev1', LAB).catch(() => undefined);
    for (const p of pools) p.closeAll();
  });

  test('link cut after the image is on the device and before the start: the switch starts once the link is back', async () => {
    const c = newConn();
    const ev = new Events();
    let cut = false;
    const run = deployContainer(
      target(ev, c, {
        reconnectWaitMs: 120_000,
        beforeSwitch: async () => {
          await labCut('dev1', LAB);
          cut = true;
        },
      }),
      config({ name: 'web' }),
      versions.v2,
    );
    try {
      await ev.next('the lost link', (e) => /lost the link to dev1 as the switch was being started/.test(e.message));
    } finally {
      await labHeal('dev1', LAB);
    }
    const out = await run;
    assert.ok(cut);
    assert.equal(out.status, 'deployed', ev.text());
    assert.match(ev.text(), /dev1 is back; reading how the switch went/);
    assert.match(out.summary, new RegExp(`web ${versions.v2} runs on dev1 and is healthy; it replaced ${versions.v1}\\. The link to dev1 dropped while this ran; the device finished on its own\\.`));
    await onlyHealthy('web', versions.v2);
  });

  test('link cut during the health wait: the device keeps the new version by itself', async () => {
    const c = newConn();
    const d = lab.device();
    const ev = new Events();
    // No HEALTHCHECK in the image: it must keep running 8 s, a health wait long enough to cut into.
    const renamed = engineEvent(d.engineSocket, ['--filter', 'event=rename', '--filter', 'label=dev.pier.app=web'], (l) => l === 'rename web', 120_000);
    const run = deployContainer(target(ev, c, { reconnectWaitMs: 120_000 }), config({ name: 'web', health: { running: 8 } }), versions.silent);
    await ev.next('the health wait', (e) => e.phase === 'health');
    await labCut('dev1', LAB);
    try {
      // The device decides alone: its engine renames the new container to `web` while the link is down.
      await renamed.done;
      await ev.next('the lost link', (e) => /lost the link to dev1 during the health wait/.test(e.message), 60_000);
    } finally {
      renamed.stop();
      await labHeal('dev1', LAB);
    }
    const out = await run;
    assert.equal(out.status, 'deployed', ev.text());
    assert.match(ev.text(), /the device carries on by itself/);
    assert.match(out.summary, /The link to dev1 dropped while this ran; the device finished on its own\./);
    await onlyHealthy('web', versions.silent);
  });

  test('link cut during the health wait of a failing version: the device rolls back by itself', async () => {
    const c = newConn();
    const d = lab.device();
    const ev = new Events();
    // Back to a version with a HEALTHCHECK first, so the rollback has a healthy one to return to.
    const pre = await deployContainer(target(new Events(), c), config({ name: 'web' }), versions.v3);
    assert.equal(pre.status, 'deployed');
    const removed = engineEvent(d.engineSocket, ['--filter', 'event=destroy', '--filter', 'label=dev.pier.app=web'], (l) => l.includes('web-pier-next'), 120_000);
    const run = deployContainer(target(ev, c, { reconnectWaitMs: 120_000 }), config({ name: 'web', healthTimeout: 60 }), versions.unhealthy);
    await ev.next('the health wait', (e) => e.phase === 'health');
    await labCut('dev1', LAB);
    try {
      await removed.done;
    } finally {
      removed.stop();
      await labHeal('dev1', LAB);
    }
    const out = await run;
    assert.equal(out.status, 'rolled-back', ev.text());
    assert.match(out.summary, new RegExp(`failed on dev1: its HEALTHCHECK reports unhealthy\\. Rolled back: ${versions.v3} runs again and is healthy\\. The link to dev1 dropped while this ran`));
    assert.match(ev.text(), /lost the link to dev1/);
    await onlyHealthy('web', versions.v3);
  });

  test('two deploys at once from two connections: the second waits for the first, then runs; one version runs at the end', async () => {
    const [a, b] = [newConn(), newConn()];
    const [ea, eb] = [new Events(), new Events()];
    const [ra, rb] = await Promise.all([deployContainer(target(ea, a), config({ name: 'web' }), versions.v1), deployContainer(target(eb, b), config({ name: 'web' }), versions.v4)]);
    assert.equal(ra.status, 'deployed', ea.text());
    assert.equal(rb.status, 'deployed', eb.text());
    // Whichever took the lock first, the other said it waited and started only after the release.
    const waited = /dev1 is busy: another deploy holds it \(deploy of web [0-9a-f]+ from .* \(pid \d+\)/;
    const [first, second, secondVersion] = waited.test(eb.text()) ? [ea, eb, versions.v4] : [eb, ea, versions.v1];
    assert.match(second.text(), waited, `one of them waited:\n--- a\n${ea.text()}\n--- b\n${eb.text()}`);
    assert.doesNotMatch(first.text(), /is busy/);
    const released = first.all.find((e) => /released the deploy lock/.test(e.message))!.at;
    const took = second.all.find((e) => /took the deploy lock/.test(e.message))!.at;
    assert.ok(took >= released, 'the second took the lock only after the first released it');
    await onlyHealthy('web', secondVersion);
  });

  test('two deploys at once over one connection (one process): the second waits in a shell of its own, no deadlock', async () => {
    const [ea, eb] = [new Events(), new Events()];
    const ra = deployContainer(target(ea), config({ name: 'web' }), versions.v2);
    await ea.next('the first lock', (e) => /took the deploy lock/.test(e.message));
    const rb = deployContainer(target(eb), config({ name: 'web' }), versions.v3);
    const [oa, ob] = await Promise.all([ra, rb]);
    assert.equal(oa.status, 'deployed', ea.text());
    assert.equal(ob.status, 'deployed', eb.text());
    assert.match(eb.text(), new RegExp(`dev1 is busy: another deploy holds it \\(deploy of web ${versions.v2} from`));
    await onlyHealthy('web', versions.v3);
  });

  test('a deploy that may not wait is refused with a clear message and changes nothing', async () => {
    const [ea, eb] = [new Events(), new Events()];
    const ra = deployContainer(target(ea), config({ name: 'web' }), versions.v1);
    await ea.next('the first lock', (e) => /took the deploy lock/.test(e.message));
    const c = newConn();
    await assert.rejects(deployContainer(target(eb, c), config({ name: 'web', lockWait: 0 }), versions.v4), (e: unknown) => {
      assert.ok(e instanceof DeviceBusyError, String(e));
      assert.match(e.message, new RegExp(`dev1 is busy: another deploy \\(deploy of web ${versions.v1} from .*\\) holds it and this one was set not to wait \\(lockWait 0\\), so it was not started and nothing was changed`));
      return true;
    });
    assert.equal((await ra).status, 'deployed', ea.text());
    await onlyHealthy('web', versions.v1);
  });
});
