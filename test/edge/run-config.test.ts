// pier.json: finding it, defaults, schema errors, env files and ${NAME}; the container arguments
// made from it; the history, rollback target and prune choices; Compose releases. No device needed.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findConfigFile, interpolate, loadRunConfig, parseConfigText, RunConfigError } from '../../client/src/edge/run/config';
import { configDigest, createArgs, mustStopFirst } from '../../client/src/edge/run/container-args';
import { parseHistory, previousVersion, versionsToPrune } from '../../client/src/edge/run/device-state';
import { builtServices, makeRelease } from '../../client/src/edge/run/compose-release';
import { probeArgs } from '../../client/src/edge/run/run-container';
import { composeKind } from '../../client/src/edge/run/run-compose';

const root = mkdtempSync(join(tmpdir(), 'pier-run-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

function app(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'ws-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('without pier.json every option is its default, named after the folder', () => {
  const dir = app({ 'sensor/Dockerfile': 'FROM scratch\n' });
  const c = loadRunConfig({ file: join(dir, 'sensor/Dockerfile'), workspaceRoot: dir, env: {} });
  assert.equal(c.name, 'sensor');
  assert.equal(c.restart, 'unless-stopped');
  assert.deepEqual(c.logs, { maxSize: '10m', maxFile: 3 });
  assert.equal(c.privileged, false);
  assert.equal(c.keepVersions, 3);
  assert.equal(c.healthTimeoutSec, 60);
  assert.deepEqual(c.health, { kind: 'running', seconds: 5 });
  assert.equal(c.healthConfigured, false);
  assert.equal(c.source, undefined);
});

test('pier.json is found beside the file or above it, not above the workspace', () => {
  const dir = app({ 'pier.json': '{"name":"top"}', 'a/b/Dockerfile': '' });
  assert.equal(findConfigFile(join(dir, 'a/b'), dir), join(dir, 'pier.json'));
  assert.equal(loadRunConfig({ file: join(dir, 'a/b/Dockerfile'), workspaceRoot: dir, env: {} }).name, 'top');
  assert.equal(findConfigFile(join(dir, 'a/b'), join(dir, 'a')), undefined);
});

test('every option is read; comments and trailing commas are allowed', () => {
  const dir = app({
    'pier.json': `{
      // the weather station's sensor
      "name": "station-sensor",
      "ports": ["8080:80", "127.0.0.1:9000:9000/udp"],
      "env": { "RATE": 5, "TOKEN": "\${TOKEN}", "MODE": "\${MODE:-fast}", "PRICE": "$$5" },
      "envFile": ".env",
      "volumes": ["data:/data", "./config:/config:ro"],
      "devices": ["/dev/i2c-1"],
      "restart": "on-failure:3",
      "memory": "64m",
      "cpus": 0.5,
      "logs": { "maxSize": "1m", "maxFile": 2 },
      "privileged": true,
      "health": { "http": "/health", "port": 80, "status": 204 },
      "healthTimeout": 30,
      "keepVersions": 5,
      "lockWait": 10,
    }`,
    '.env': 'TOKEN=s3cret\nOTHER=x\n',
  });
  const c = loadRunConfig({ workspaceRoot: dir, env: {} });
  assert.equal(c.name, 'station-sensor');
  assert.deepEqual(c.env, { RATE: '5', TOKEN: 's3cret', MODE: 'fast', PRICE: '$5' });
  assert.deepEqual(c.volumes, ['data:/data', `${join(dir, 'config')}:/config:ro`]);
  assert.deepEqual(c.health, { kind: 'http', path: '/health', port: 80, status: 204 });
  assert.equal(c.healthConfigured, true);
  assert.deepEqual([c.restart, c.memory, c.cpus, c.privileged, c.keepVersions, c.lockWaitSec, c.healthTimeoutSec], ['on-failure:3', '64m', 0.5, true, 5, 10, 30]);
  const args = createArgs(c, 'station-sensor', 'abc123', 'station-sensor:abc123');
  const pairs = (flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));
  assert.deepEqual(pairs('--publish'), ['8080:80', '127.0.0.1:9000:9000/udp']);
  assert.deepEqual(pairs('--device'), ['/dev/i2c-1']);
  assert.deepEqual(pairs('--log-opt'), ['max-size=1m', 'max-file=2']);
  assert.deepEqual(pairs('--env'), ['MODE=fast', 'PRICE=$5', 'RATE=5', 'TOKEN=s3cret']);
  assert.ok(args.includes('--privileged'));
  assert.equal(args[args.length - 1], 'station-sensor:abc123');
  assert.ok(pairs('--label').includes('dev.pier.version=abc123'));
  assert.equal(mustStopFirst(c), true);
});

test('envFilePassAll passes every variable of the env file', () => {
  const dir = app({ 'pier.json': '{"envFile": ".env", "envFilePassAll": true, "env": {"A": "1"}}', '.env': 'X=1\nY=two words\n' });
  assert.deepEqual(loadRunConfig({ workspaceRoot: dir, env: {} }).env, { X: '1', Y: 'two words', A: '1' });
});

test('privileged only when set to true; no ports means the old version keeps serving', () => {
  const dir = app({ 'pier.json': '{}' });
  const c = loadRunConfig({ workspaceRoot: dir, env: {} });
  assert.ok(!createArgs(c, 'a', 'v', 'a:v').includes('--privileged'));
  assert.equal(mustStopFirst(c), false);
  assert.equal(mustStopFirst({ ...c, replace: 'stop-first' }), true);
  assert.equal(mustStopFirst({ ...c, ports: ['80:80'], replace: 'parallel' }), false);
});

test('schema problems are reported together, by option', () => {
  assert.throws(() => parseConfigText('{"restart": "sometimes", "colour": "red", "keepVersions": 1}', 'pier.json'), (e: Error) => {
    assert.ok(e instanceof RunConfigError);
    assert.match(e.message, /restart must match pattern/);
    assert.match(e.message, /unknown option "colour"/);
    assert.match(e.message, /keepVersions must be >= 2/);
    return true;
  });
  assert.throws(() => parseConfigText('{"health": {"tcp": 80, "http": "/"}}'), /health/);
  assert.throws(() => parseConfigText('{"name": '), /not valid JSON/);
  assert.throws(() => parseConfigText('[]'), /one JSON object/);
});

test('${NAME} without a value or default is an error that says where; a missing env file too', () => {
  assert.throws(() => interpolate('${NOPE}', () => undefined, 'env.X', 'pier.json'), /env\.X uses \$\{NOPE\}/);
  assert.equal(interpolate('${E:-d}', () => ''), 'd');
  assert.equal(interpolate('${E-d}', () => ''), '');
  const dir = app({ 'pier.json': '{"envFile": "missing.env"}' });
  assert.throws(() => loadRunConfig({ workspaceRoot: dir, env: {} }), /env file .*missing\.env/);
});

test('the config digest changes with the options, not with their version', () => {
  const c = loadRunConfig({ workspaceRoot: app({}), env: {} });
  assert.equal(configDigest(c), configDigest({ ...c }));
  assert.notEqual(configDigest(c), configDigest({ ...c, memory: '32m' }));
});

test('probe arguments for the switch script', () => {
  assert.deepEqual(probeArgs({ kind: 'http', path: '/h' }, [8080]), { kind: 'http', a: '8080', b: '/h', c: '', argv: [] });
  assert.deepEqual(probeArgs({ kind: 'http', path: '/h' }, []).a, '80');
  assert.deepEqual(probeArgs({ kind: 'command', argv: ['check', 'it'] }, []).argv, ['check', 'it']);
  assert.deepEqual(probeArgs({ kind: 'running', seconds: 7 }, []).a, '7');
});

test('history: rollback target and prune choices', () => {
  const h = parseHistory('1 v1 ok\n2 v2\n3 bad failed\n4 v3 ok\nnonsense\n5 v2 ok\n');
  assert.deepEqual(h.map((e) => `${e.version}:${e.ok}`), ['v1:true', 'v2:true', 'bad:false', 'v3:true', 'v2:true']);
  const all = () => true;
  assert.equal(previousVersion(h, 'v2', all), 'v3');
  assert.equal(previousVersion(h, 'v2', (v) => v !== 'v3'), 'v1');
  assert.equal(previousVersion(h.slice(0, 1), 'v1', all), undefined);
  // Keep the last 2 good ones (v2, v3); v1 and the failed version go; 'ahead' was never tried, so it stays.
  assert.deepEqual(versionsToPrune(['v1', 'v2', 'v3', 'bad', 'ahead'], h, 2, new Set()), ['v1', 'bad']);
  // Never what a container uses.
  assert.deepEqual(versionsToPrune(['v1', 'v2', 'v3', 'bad'], h, 2, new Set(['v1'])), ['bad']);
});

test('Compose release: built services run the shipped image, the name goes, the version is a content digest', () => {
  const text = 'name: station\nservices:\n  web:\n    build: ../web\n    image: x/web\n    ports: ["8080:8080"]\n  db:\n    image: redis:7\n';
  assert.deepEqual(builtServices([text]), ['web']);
  const rel = makeRelease([text], 'A=1\n', { web: 'station-web:abc' });
  assert.equal(rel.files[0].name, 'compose.0.yaml');
  assert.doesNotMatch(rel.files[0].text, /build|name: station/);
  assert.match(rel.files[0].text, /image: station-web:abc/);
  assert.match(rel.files[0].text, /image: redis:7/);
  assert.deepEqual(rel.built, { web: 'station-web:abc' });
  assert.equal(makeRelease([text], 'A=1\n', { web: 'station-web:abc' }).version, rel.version);
  assert.notEqual(makeRelease([text], 'A=2\n', { web: 'station-web:abc' }).version, rel.version);
  assert.throws(() => makeRelease([text], undefined, {}), /'web' is built from source, but no image was shipped/);
});

test('Compose flavour from the probe', () => {
  assert.equal(composeKind('d', { compose: { kind: 'plugin', version: '2' }, runtime: { name: 'docker', access: 'direct' } }), 'plugin');
  assert.equal(composeKind('d', { compose: { kind: 'v1', version: '1.29' }, runtime: undefined }), 'v1');
  assert.equal(composeKind('d', { compose: { kind: 'plugin', version: '4' }, runtime: { name: 'podman', access: 'direct' } }), 'podman');
  assert.throws(() => composeKind('dev1', { compose: undefined, runtime: { name: 'docker', access: 'direct' } }), /dev1 has no Compose/);
});
