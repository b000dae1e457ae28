// A Compose app on a lab device, end to end with real parts: examples/station (the sensor
// publisher and the HTTP status page) built for the device, shipped, and brought up by the run
// step with Debian's docker-compose (v1) — the lab devices share the host's file system, so the
// host's /usr/bin/docker-compose is on the device too. Then a changed release, a broken one that
// is rolled back, a release that drops a service (its container goes: --remove-orphans), and a
// manual rollback.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { useLab } from '../lab/harness';
import { labOptions, labTarget } from './logs-helpers';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { runRemote } from '../../client/src/edge/ssh/exec';
import { buildImage } from '../../client/src/edge/build/build';
import { composeBuilds } from '../../client/src/edge/build/compose-builds';
import { probeDevice, type ProbeResult } from '../../client/src/edge/devices/probe';
import { appRepository, shipImage, type ShipResult } from '../../client/src/edge/ship/ship';
import { runDeployStep } from '../../client/src/edge/run/deploy-step';
import { composeKind, rollbackCompose } from '../../client/src/edge/run/run-compose';
import type { RunTarget } from '../../client/src/edge/run/run-container';
import { ensureComposeV1, Events } from './run-helpers';

const lab = useLab({ name: 'runcompose', devices: 1 });
let pool: SshPool;
let conn: SshConnection;
let probe: ProbeResult;
let dir: string;
let file: string;
let shipped: ShipResult[] = [];

function target(ev: Events): RunTarget {
  return { conn, runtime: probe.runtime!, onEvent: ev.listener };
}

/** The project's containers: service, state, health. */
async function services(): Promise<Record<string, string>> {
  const ids = (await runRemote(conn, ['docker', 'ps', '-aq', '--filter', 'label=com.docker.compose.project=station'])).split('\n').filter(Boolean);
  if (!ids.length) return {};
  const out = await runRemote(conn, ['docker', 'inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}', ...ids]);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

function deploy(ev: Events) {
  return runDeployStep(target(ev), { kind: 'compose', file, project: 'station', shipped, probe });
}

describe('Compose app on a lab device', { skip: lab.skip, timeout: 1_200_000 }, () => {
  before(async () => {
    await ensureComposeV1();
    const d = lab.device();
    pool = new SshPool(labOptions(d));
    conn = pool.get(labTarget(d));
    await runRemote(conn, ['sh', '-c', 'docker ps -aq --filter label=com.docker.compose.project=station | xargs -r docker rm -f; rm -rf "$HOME/.pier/apps/station" "$HOME/.pier/lock"']);
    probe = await probeDevice(conn);
    // A copy of the examples, so the test can change the Compose file.
    dir = mkdtempSync(join(tmpdir(), 'pier-run-compose-'));
    cpSync(resolve('examples'), dir, { recursive: true });
    file = join(dir, 'station', 'compose.yaml');
    // The examples' HEALTHCHECKs give a check 3 s; under qemu on a loaded 2-core machine a check
    // can take longer, so the test's copy allows more (the image's test command is kept).
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('    restart: unless-stopped\n', '    restart: unless-stopped\n    healthcheck:\n      timeout: 30s\n'));
    const { project, builds } = composeBuilds(file);
    assert.equal(project, 'station');
    for (const b of builds) {
      const built = await buildImage({ context: b.context, dockerfile: b.dockerfile, platform: probe.platform!, buildArgs: { ...b.args, LAB_ARCH: d.arch } });
      shipped.push(await shipImage({ conn, device: { name: d.name, platform: probe.platform!, runtime: probe.runtime! }, ref: built.imageId, app: appRepository(`${project}-${b.service}`) }));
    }
  });

  after(() => {
    pool?.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the device has a Compose the run step can use (Debian docker-compose v1)', () => {
    assert.equal(probe.compose?.kind, 'v1', JSON.stringify(probe.compose));
    assert.equal(composeKind('dev1', probe), 'v1');
  });

  test('first deploy: up -d under the fixed project name, every service healthy, images are the shipped tags', async () => {
    const ev = new Events();
    const out = await deploy(ev);
    assert.equal(out.status, 'deployed', ev.text());
    assert.deepEqual(await services(), { sensor: 'running/healthy', web: 'running/healthy' });
    const ids = (await runRemote(conn, ['docker', 'ps', '-q', '--filter', 'label=com.docker.compose.project=station'])).split('\n').filter(Boolean);
    const images = (await runRemote(conn, ['docker', 'inspect', '-f', '{{.Config.Image}}', ...ids])).split('\n').filter(Boolean).sort();
    assert.deepEqual(images, shipped.map((s) => s.tag).sort());
    assert.equal((await runRemote(conn, ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/health'])).length > 0, true);
    assert.match(ev.text(), /uploading the Compose release [0-9a-f]{12} \(1 file\)/);
    assert.match(ev.text(), /docker-compose up -d --remove-orphans for project station/);
  });

  test('the same release again changes nothing', async () => {
    const ev = new Events();
    const out = await deploy(ev);
    assert.equal(out.status, 'unchanged', ev.text());
  });

  let good = '';
  test('a changed release replaces the running one', async () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace('RATE: "5"', 'RATE: "2"'));
    const ev = new Events();
    const out = await deploy(ev);
    assert.equal(out.status, 'deployed', ev.text());
    good = out.running!;
    const rate = await runRemote(conn, ['sh', '-c', 'docker inspect -f "{{range .Config.Env}}{{println .}}{{end}}" $(docker ps -q --filter label=com.docker.compose.service=sensor) | grep ^RATE=']);
    assert.equal(rate.trim(), 'RATE=2');
  });

  test('a broken release (web exits at once) is rolled back to the running one, with the exit code and log lines', async () => {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('      PORT: "8080"\n', '      PORT: "8080"\n    command: ["/bin/sh", "-c", "echo web: no certificate >&2; exit 4"]\n'));
    const ev = new Events();
    const out = await deploy(ev);
    writeFileSync(file, text);
    assert.equal(out.status, 'rolled-back', ev.text());
    assert.equal(out.running, good);
    assert.match(out.summary, /service web: it exited with code 4/);
    assert.equal(out.failure?.exitCode, 4);
    assert.match(out.failure?.logs ?? '', /web: no certificate/);
    assert.deepEqual(await services(), { sensor: 'running/healthy', web: 'running/healthy' });
  });

  test('a release without a service removes its container (--remove-orphans)', async () => {
    const text = readFileSync(file, 'utf8');
    // The station without its status page.
    writeFileSync(file, text.slice(0, text.indexOf('  web:\n')));
    const ev = new Events();
    const out = await deploy(ev);
    assert.equal(out.status, 'deployed', ev.text());
    assert.deepEqual(await services(), { sensor: 'running/healthy' });
    writeFileSync(file, text);
  });

  test('manual rollback brings the release before back, healthy', async () => {
    const ev = new Events();
    const out = await rollbackCompose(target(ev), 'station', 'v1');
    assert.equal(out.status, 'deployed', ev.text());
    assert.equal(out.running, good);
    assert.deepEqual(await services(), { sensor: 'running/healthy', web: 'running/healthy' });
  });
});
