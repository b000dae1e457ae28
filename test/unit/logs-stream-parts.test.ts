// The log stream's pure parts: timestamps, line splitting (UTF-8, long lines, Docker's split
// parts), the resume tracker's boundary de-duplication, and the runtime commands.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineSplitter, type RawLine } from '../../client/src/edge/logs/lines';
import { ResumeTracker } from '../../client/src/edge/logs/resume';
import { isNoSuchContainer, logsArgv, parseInspect, projectPsArgv, inspectArgv, checkLogRuntime } from '../../client/src/edge/logs/runtime';
import { checkSince, normalizeTimestamp, splitTimestamp, timestampMinus } from '../../client/src/edge/logs/timestamp';
import type { RuntimeInfo } from '../../client/src/edge/devices/probe';
import { buildCommand } from '../../client/src/edge/ssh/quote';

describe('timestamps', () => {
  test('Docker, Podman and nerdctl forms normalise to fixed-width UTC', () => {
    assert.equal(normalizeTimestamp('2026-11-26T06:29:02.163189322Z'), '2026-11-26T06:29:02.163189322Z');
    assert.equal(normalizeTimestamp('2026-11-26T06:29:02.1632Z'), '2026-11-26T06:29:02.163200000Z');
    assert.equal(normalizeTimestamp('2026-11-26T07:29:02.5+01:00'), '2026-11-26T06:29:02.500000000Z');
    assert.equal(normalizeTimestamp('2026-11-26T01:29:02-05:00'), '2026-11-26T06:29:02.000000000Z');
    assert.equal(normalizeTimestamp('2026-11-26T06:29:02Z'), '2026-11-26T06:29:02.000000000Z');
    assert.equal(normalizeTimestamp('yesterday'), undefined);
    assert.equal(normalizeTimestamp('2026-11-26T06:29:02'), undefined);
  });

  test('normalised timestamps sort as text in time order', () => {
    const a = normalizeTimestamp('2026-11-26T07:00:00.9+01:00')!;
    const b = normalizeTimestamp('2026-11-26T06:00:01.1Z')!;
    assert.ok(a < b);
  });

  test('splitting a line: fast path, generic path, none', () => {
    assert.deepEqual(splitTimestamp('2026-11-26T06:29:02.163189322Z seq=1'), { ts: '2026-11-26T06:29:02.163189322Z', raw: '2026-11-26T06:29:02.163189322Z', text: 'seq=1' });
    assert.deepEqual(splitTimestamp('2026-11-26T07:29:02.5+01:00 hello world'), { ts: '2026-11-26T06:29:02.500000000Z', raw: '2026-11-26T07:29:02.5+01:00', text: 'hello world' });
    assert.equal(splitTimestamp('2026-11-26T06:29:02.163189322Z ')!.text, '');
    assert.equal(splitTimestamp('Error: No such container: x'), undefined);
    assert.equal(splitTimestamp(''), undefined);
  });

  test('moving back keeps the sub-second digits', () => {
    assert.equal(timestampMinus('2026-11-26T06:29:02.163189322Z', 1000), '2026-11-26T06:29:01.163189322Z');
    assert.equal(timestampMinus('2026-01-01T00:00:00.000000001Z', 1000), '2025-12-31T23:59:59.000000001Z');
  });

  test('--since values', () => {
    for (const ok of ['10m', '1h30m', '45s', '1700000000', '1700000000.5', '2026-01-31', '2026-01-31T12:00:00Z', '2026-01-31T12:00']) assert.equal(checkSince(ok), undefined, ok);
    for (const bad of ['', 'ten minutes', '10x', '-5m', '$(reboot)']) assert.match(checkSince(bad)!, /--since takes/, bad);
  });
});

function split(chunks: (string | Buffer)[], maxLine?: number, end = true): RawLine[] {
  const out: RawLine[] = [];
  const s = new LineSplitter((l) => out.push(l), maxLine);
  for (const c of chunks) s.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  if (end) s.end();
  return out;
}

const TS = '2026-11-26T06:29:02.163189322Z';

describe('line splitter', () => {
  test('lines across chunk boundaries, CRLF, runtime messages without a timestamp', () => {
    const out = split([`${TS} on`, `e\r\n${TS} two\n`, 'Error: No such container\n']);
    assert.deepEqual(out, [{ ts: TS, text: 'one' }, { ts: TS, text: 'two' }, { text: 'Error: No such container' }]);
  });

  test('a multi-byte character split across chunks stays whole; invalid UTF-8 becomes U+FFFD', () => {
    const euro = Buffer.from(`${TS} 5 €\n`);
    const cut = euro.length - 3;
    assert.equal(split([euro.subarray(0, cut), euro.subarray(cut)])[0].text, '5 €');
    const bad = Buffer.concat([Buffer.from(`${TS} a`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b\n')]);
    const t = split([bad])[0].text;
    assert.ok(t.startsWith('a') && t.endsWith('b') && t.includes('\uFFFD'), JSON.stringify(t));
  });

  test("Docker's parts of a long line (same timestamp repeated every 16 KiB) are joined", () => {
    const body = 'x'.repeat(40_000);
    const raw = `${TS} ${body.slice(0, 16384)}${TS} ${body.slice(16384, 32768)}${TS} ${body.slice(32768)}\n`;
    const [l] = split([raw]);
    assert.equal(l.text, body);
    assert.equal(l.truncated, undefined);
  });

  test('a line over the limit keeps its head and counts the rest; memory stays bounded without newline', () => {
    const [l] = split([`${TS} ${'y'.repeat(1000)}\n`], 100);
    assert.equal(l.text.length, 100);
    assert.equal(l.truncated, 900);
    const out: RawLine[] = [];
    const s = new LineSplitter((x) => out.push(x), 100);
    s.push(Buffer.from(`${TS} `));
    for (let i = 0; i < 1000; i++) s.push(Buffer.alloc(10_000, 'z'));
    assert.equal(out.length, 0);
    s.push(Buffer.from('\n'));
    assert.equal(out[0].text.length, 100);
    assert.equal(out[0].truncated, 10_000_000 - 100);
  });

  test('end() passes on a last line without newline; discard() forgets it', () => {
    assert.deepEqual(split([`${TS} last`]), [{ ts: TS, text: 'last' }]);
    assert.deepEqual(split([`${TS} half`], undefined, false), []);
    const out: RawLine[] = [];
    const s = new LineSplitter((l) => out.push(l));
    s.push(Buffer.from(`${TS} half`));
    s.discard();
    s.push(Buffer.from(`${TS} whole\n`));
    assert.deepEqual(out, [{ ts: TS, text: 'whole' }]);
  });

  test('any chunking of the same bytes gives the same lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 20 }), fc.array(fc.nat(200), { maxLength: 10 }), (texts, cuts) => {
        const clean = texts.map((t) => t.replace(/[\n\r]/g, ' '));
        const bytes = Buffer.from(clean.map((t, i) => `2026-11-26T06:29:02.${String(i).padStart(9, '0')}Z ${t}\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(bytes.subarray(at, p));
          at = p;
        }
        chunks.push(bytes.subarray(at));
        assert.deepEqual(
          split(chunks).map((l) => l.text),
          split([bytes]).map((l) => l.text),
        );
        assert.equal(split(chunks).length, clean.length);
      }),
      { numRuns: 300 },
    );
  });
});

const t = (n: number) => `2026-11-26T06:29:${String(Math.floor(n / 1000)).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}000000Z`;

describe('resume tracker', () => {
  test('drops exactly the lines already delivered, also when several share the last timestamp', () => {
    const r = new ResumeTracker();
    // Delivered: a@1, b@2, c@2, d@2 — three lines at the last timestamp.
    for (const ts of [t(1), t(2), t(2), t(2)]) assert.ok(r.accept('stdout', ts));
    assert.equal(r.since(1000), timestampMinus(t(2), 1000));
    r.restart();
    // The runtime replays from since: a@1 b@2 c@2 d@2, then the new e@2 (same timestamp!) and f@3.
    const got = [t(1), t(2), t(2), t(2), t(2), t(3)].map((ts) => r.accept('stdout', ts));
    assert.deepEqual(got, [false, false, false, false, true, true]);
    assert.equal(r.duplicates, 4);
  });

  test('streams are tracked apart; the resume point is the earliest of them', () => {
    const r = new ResumeTracker();
    r.accept('stdout', t(5));
    r.accept('stderr', t(3));
    assert.equal(r.since(0), timestampMinus(t(3), 0));
    r.restart();
    assert.equal(r.accept('stdout', t(3)), false); // stdout already past 3
    assert.equal(r.accept('stderr', t(3)), false); // the one stderr line at 3
    assert.equal(r.accept('stderr', t(4)), true); // stderr's next: new although stdout saw 5
    assert.equal(r.accept('stdout', t(5)), false);
    assert.equal(r.accept('stdout', t(6)), true);
  });

  test('a stream never seen accepts lines inside the first window only', () => {
    const r = new ResumeTracker();
    r.accept('stdout', t(10));
    r.restart();
    assert.equal(r.accept('stderr', t(9)), false, 'older than anything the first follow showed');
    assert.equal(r.accept('stderr', t(10)), true);
  });

  test('within the first follow a stream may start older than the other (stdout and stderr arrive in their own order)', () => {
    const r = new ResumeTracker();
    // The stream calls restart() before every follow, the first one too.
    r.restart();
    assert.equal(r.accept('stdout', t(10)), true);
    assert.equal(r.accept('stderr', t(9)), true, 'printed before the stdout line, read after it');
    r.restart();
    assert.equal(r.accept('stderr', t(9)), false, 'on the resume it is a duplicate');
    assert.equal(r.accept('stdout', t(10)), false);
    assert.equal(r.accept('stdout', t(11)), true);
  });

  test('after the boundary everything is new, even a repeated timestamp', () => {
    const r = new ResumeTracker();
    r.accept('stdout', t(1));
    r.restart();
    assert.equal(r.accept('stdout', t(1)), false);
    assert.equal(r.accept('stdout', t(2)), true);
    assert.equal(r.accept('stdout', t(2)), true);
    assert.equal(r.accept('stdout', t(2)), true);
  });

  test('property: delivered ++ (replay from since, minus duplicates) == the whole log, once each', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(4), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(59), { maxLength: 4 }), (steps, cutsRaw) => {
        // A log of lines with non-decreasing timestamps (many equal), cut at several points.
        let ms = 0;
        const log = steps.map((d, i) => ({ ts: t((ms += d)), n: i, stream: (i % 3 === 0 ? 'stderr' : 'stdout') as 'stdout' | 'stderr' }));
        const cuts = [...new Set(cutsRaw.map((c) => c % log.length))].sort((a, b) => a - b);
        const r = new ResumeTracker();
        const got: number[] = [];
        let pos = 0;
        for (const cut of [...cuts, log.length]) {
          // Deliver up to the cut, then "lose the link" and replay from since.
          const since = r.since(0);
          if (pos > 0) r.restart();
          for (const l of log) {
            if (since !== undefined && l.ts < since) continue;
            if (l.n >= cut && cut < log.length) break;
            if (r.accept(l.stream, l.ts)) got.push(l.n);
          }
          pos = cut;
        }
        assert.deepEqual([...got].sort((a, b) => a - b), log.map((l) => l.n));
        assert.equal(new Set(got).size, got.length);
      }),
      { numRuns: 500 },
    );
  });
});

const docker: RuntimeInfo = { name: 'docker', access: 'direct' };

describe('runtime commands', () => {
  test('logs: timestamps always, follow/since/tail as asked, -- before the reference', () => {
    assert.deepEqual(logsArgv(docker, 'abc', { follow: true, since: '2026-11-26T06:29:02.163189322Z' }), ['docker', 'logs', '--timestamps', '--follow', '--since', '2026-11-26T06:29:02.163189322Z', '--', 'abc']);
    assert.deepEqual(logsArgv({ name: 'podman', access: 'sudo' }, '-x', { follow: false, tail: 10 }), ['sudo', '-n', 'podman', 'logs', '--timestamps', '--tail', '10', '--', '-x']);
    assert.equal(buildCommand(logsArgv(docker, "a'; reboot", { follow: true })), `docker logs --timestamps --follow -- 'a'\\''; reboot'`);
    assert.deepEqual(inspectArgv({ name: 'nerdctl', access: 'direct' }, ['a', 'b']), ['nerdctl', 'container', 'inspect', '--', 'a', 'b']);
    assert.deepEqual(projectPsArgv(docker, 'station'), ['docker', 'ps', '-a', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=station']);
  });

  test('runtimes the stream can and cannot read', () => {
    assert.equal(checkLogRuntime(docker), undefined);
    assert.match(checkLogRuntime({ name: 'k3s', access: 'direct' })!, /Docker, Podman and nerdctl/);
    assert.match(checkLogRuntime({ name: 'docker', access: 'denied' })!, /may not use/);
  });

  test('inspect output of Docker and Podman', () => {
    const id = 'a'.repeat(64);
    const dockerJson = JSON.stringify([{ Id: id, Name: '/station-sensor-1', State: { Status: 'running', Running: true, StartedAt: '2026-11-26T06:00:00.1Z', ExitCode: 0 }, Config: { Labels: { 'com.docker.compose.project': 'station', 'com.docker.compose.service': 'sensor' } } }]);
    assert.deepEqual(parseInspect(dockerJson), [{ id, name: 'station-sensor-1', running: true, status: 'running', startedAt: '2026-11-26T06:00:00.1Z', exitCode: 0, project: 'station', service: 'sensor' }]);
    const podmanJson = JSON.stringify([{ Id: id, Name: 'app', State: { Status: 'exited', Running: false, StartedAt: 'x', ExitCode: 3 }, Config: { Labels: { 'io.podman.compose.project': 'p', 'io.podman.compose.service': 's' } } }]);
    const [p] = parseInspect(podmanJson);
    assert.equal(p.running, false);
    assert.equal(p.exitCode, 3);
    assert.equal(p.service, 's');
    assert.deepEqual(parseInspect('[]'), []);
    assert.deepEqual(parseInspect('not json'), []);
    assert.deepEqual(parseInspect('[{"Id":"not-an-id"}, null, 3]'), []);
  });

  test('"no such container" in the words of each runtime', () => {
    assert.ok(isNoSuchContainer('Error: No such container: x'));
    assert.ok(isNoSuchContainer('Error response from daemon: No such container: x'));
    assert.ok(isNoSuchContainer('Error: no container with name or ID "x" found: no such container'));
    assert.ok(isNoSuchContainer('time="..." level=fatal msg="no such container x"'));
    assert.ok(!isNoSuchContainer('permission denied'));
  });
});
