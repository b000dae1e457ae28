// Build output to Dockerfile diagnostics, for each builder's way of saying where it failed, and
// builder detection and command lines from what the CLIs print.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { mapBuildErrors } from '../../client/src/edge/build/build-errors';
import { buildArgv, platformArgs, stepOf } from '../../client/src/edge/build/build';
import { buildersFrom, parseBuildxLs } from '../../client/src/edge/build/builders';
import { binfmtState, checkEmulation, crossCompileStages } from '../../client/src/edge/build/emulation';

const DF = ['ARG LAB_ARCH=arm64', 'FROM pier-lab/busybox:${LAB_ARCH}', 'RUN apt-get update && \\', '    apt-get install -y nope', 'COPY app /app', 'CMD ["/app"]', ''].join('\n');

describe('build errors to diagnostics', () => {
  test('classic builder: the failing Step is the Nth instruction (ARG before FROM counts), with exit code and output', () => {
    const out = ['Step 1/5 : ARG LAB_ARCH=arm64', 'Step 2/5 : FROM pier-lab/busybox:${LAB_ARCH}', ' ---> 945be78b469f', 'Step 3/5 : RUN apt-get update &&     apt-get install -y nope', ' ---> Running in 0a1b2c', 'Reading package lists...', 'E: Unable to locate package nope', "The command '/bin/sh -c apt-get update &&     apt-get install -y nope' returned a non-zero code: 100"].join('\n');
    const [d, ...rest] = mapBuildErrors(out, DF, '/w/Dockerfile');
    assert.equal(rest.length, 0);
    assert.equal(d.file, '/w/Dockerfile');
    assert.deepEqual(d.range.start, { line: 2, character: 0 });
    assert.equal(d.range.end.line, 3, 'a continued RUN is marked whole');
    assert.match(d.message, /^RUN failed with exit code 100: .*E: Unable to locate package nope/);
  });

  test('classic builder: COPY of a missing file points at the COPY', () => {
    const out = ['Step 4/5 : COPY app /app', 'COPY failed: file not found in build context or excluded by .dockerignore: stat app: file does not exist'].join('\n');
    const [d] = mapBuildErrors(out, DF, 'Dockerfile');
    assert.equal(d.range.start.line, 4);
    assert.match(d.message, /COPY failed: file not found/);
  });

  test('BuildKit: "Dockerfile:N" and the ERROR line', () => {
    const out = ['#7 [2/3] RUN apt-get update &&     apt-get install -y nope', '#7 1.02 E: Unable to locate package nope', '#7 ERROR: process "/bin/sh -c apt-get update &&     apt-get install -y nope" did not complete successfully: exit code: 100', '------', 'Dockerfile:3', '--------------------', '   3 | >>> RUN apt-get update && \\', '--------------------', 'ERROR: failed to solve: process "/bin/sh -c apt-get update &&     apt-get install -y nope" did not complete successfully: exit code: 100'].join('\n');
    const [d] = mapBuildErrors(out, DF, 'Dockerfile');
    assert.equal(d.range.start.line, 2);
    assert.equal(d.range.end.line, 3);
    assert.equal(d.message, 'RUN failed: exit code: 100');
  });

  test('podman: building at STEP "..." is found by its text', () => {
    const out = ['STEP 1/4: FROM pier-lab/busybox:arm64', 'STEP 2/4: COPY app /app', 'Error: building at STEP "COPY app /app": checking on sources under "/w": copier: stat: "/app": no such file or directory'].join('\n');
    const [d] = mapBuildErrors(out, DF, 'Dockerfile');
    assert.equal(d.range.start.line, 4);
  });

  test('parse errors name their line', () => {
    const [d] = mapBuildErrors('Error response from daemon: Dockerfile parse error line 5: unknown instruction: COPPY', 'FROM a\nRUN b\n\n\nCOPPY x y\n', 'Dockerfile');
    assert.equal(d.range.start.line, 4);
    assert.match(d.message, /unknown instruction: COPPY/);
  });

  test('output that points nowhere gives no diagnostic, and bad input never throws', () => {
    assert.deepEqual(mapBuildErrors('Cannot connect to the Docker daemon', DF, 'Dockerfile'), []);
    assert.deepEqual(mapBuildErrors('', '', 'Dockerfile'), []);
    assert.doesNotThrow(() => mapBuildErrors('Step 99/99 : RUN x\nreturned a non-zero code: 1', '\u0000garbage', 'Dockerfile'));
  });
});

describe('builders', () => {
  const base = { dockerClient: '28.2.2', dockerServer: '20.10.24', buildxVersion: null, buildxLs: null, podmanVersion: null };
  test('docker CLI 28 without buildx: only the classic builder', () => {
    assert.deepEqual(buildersFrom(base).map((b) => b.kind), ['docker-classic']);
    assert.equal(buildersFrom(base)[0].env.DOCKER_BUILDKIT, '0');
  });
  test('an older CLI runs BuildKit itself; buildx comes first with its drivers; podman is found', () => {
    assert.deepEqual(buildersFrom({ ...base, dockerClient: '20.10.24' }).map((b) => b.kind), ['docker-buildkit', 'docker-classic']);
    const ls = 'NAME/NODE     DRIVER/ENDPOINT             STATUS  BUILDKIT PLATFORMS\nbuilder *     docker-container\n  builder0    unix:///var/run/docker.sock running v0.12.5  linux/amd64\ndefault       docker\n  default     default                     running v0.11.7  linux/amd64\n';
    const all = buildersFrom({ ...base, buildxVersion: 'github.com/docker/buildx v0.14.1 59582a8', buildxLs: ls, podmanVersion: '4.3.1' });
    assert.deepEqual(all.map((b) => b.kind), ['buildx', 'docker-classic', 'podman']);
    assert.deepEqual(all[0].drivers, [{ name: 'builder', driver: 'docker-container' }, { name: 'default', driver: 'docker' }]);
    assert.deepEqual(parseBuildxLs(ls).length, 2);
    assert.deepEqual(buildersFrom({ ...base, dockerClient: null, dockerServer: null }), []);
  });
  test('command lines: the classic builder gets TARGETARCH-style args; buildx loads into the engine', () => {
    const o = { context: '/c', dockerfile: '/c/Dockerfile', platform: 'linux/arm/v7', tag: 'web:1', buildArgs: { A: 'b' }, iidfile: '/t/iid', buildPlatform: 'linux/amd64' };
    const classic = buildArgv(buildersFrom(base)[0], o);
    assert.ok(classic.includes('TARGETARCH=arm') && classic.includes('TARGETVARIANT=v7') && classic.includes('A=b'));
    assert.deepEqual(classic.slice(0, 3), ['build', '--platform', 'linux/arm/v7']);
    assert.equal(classic[classic.length - 1], '/c');
    const bx = buildArgv({ kind: 'buildx', bin: 'docker', env: {} }, o);
    assert.deepEqual(bx.slice(0, 4), ['buildx', 'build', '--progress=plain', '--load']);
    assert.ok(!bx.includes('TARGETARCH=arm'), 'BuildKit sets them itself');
    assert.equal(platformArgs('linux/arm64', 'linux/amd64').BUILDARCH, 'amd64');
  });
  test('steps from each builder for progress', () => {
    assert.deepEqual(stepOf('Step 3/5 : RUN x'), { step: 3, steps: 5, text: 'RUN x' });
    assert.deepEqual(stepOf('#8 [builder 2/4] RUN go build'), { step: 2, steps: 4, text: 'RUN go build' });
    assert.deepEqual(stepOf('[2/2] STEP 1/3: FROM alpine'), { step: 1, steps: 3, text: 'FROM alpine' });
    assert.equal(stepOf('Sending build context'), undefined);
  });
});

describe('emulation check', () => {
  const root = mkdtempSync(join(tmpdir(), 'pier-binfmt-'));
  mkdirSync(join(root, 'enabled'));
  mkdirSync(join(root, 'none'));
  mkdirSync(join(root, 'off'));
  writeFileSync(join(root, 'enabled', 'qemu-aarch64'), 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\n');
  writeFileSync(join(root, 'off', 'qemu-aarch64'), 'disabled\n');
  const GO = 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\n';

  test('native, emulated, missing (with the fix and the stages that could cross-compile), disabled', () => {
    assert.equal(checkEmulation('linux/arm64', { hostArch: 'arm64' }).how, 'native');
    assert.equal(checkEmulation('linux/arm64', { hostArch: 'amd64', binfmtRoot: join(root, 'enabled') }).how, 'emulated');
    const missing = checkEmulation('linux/arm64', { hostArch: 'amd64', binfmtRoot: join(root, 'none'), dockerfile: GO });
    assert.equal(missing.ok, false);
    assert.match(missing.fix ?? '', /qemu-user-static/);
    assert.deepEqual(missing.crossStages.map((s) => s.line), [0]);
    assert.match(missing.message, /line 1/);
    assert.equal(binfmtState('qemu-aarch64', join(root, 'off')), 'disabled');
    assert.match(checkEmulation('linux/arm64', { hostArch: 'amd64', binfmtRoot: join(root, 'off') }).fix ?? '', /echo 1/);
    assert.equal(checkEmulation('linux/arm64', { hostArch: 'amd64', localEngine: false }).how, 'unknown');
  });
  test('a single-stage image has nothing to cross-compile', () => {
    assert.deepEqual(crossCompileStages('FROM busybox\nRUN echo hi\n', 'linux/arm64'), []);
  });
});
