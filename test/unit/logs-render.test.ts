// The log panel's pure logic in Node: ANSI parsing, escaping of hostile lines, level detection
// (words, logfmt, JSON), filters, timestamps and plain text for copy/save.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type * as CoreTypes from '../../media/logs/core';

const core = createRequire(__filename)('../../media/logs/core.js') as typeof CoreTypes;
const { parseAnsi, stripAnsi, detectLevel, makeFilter, formatTime, renderRowHtml, renderSegmentsHtml, plainLine, escapeHtml, color256 } = core;

const TS = '2026-11-26T06:29:02.163189322Z';
const row = (text: string, extra: Partial<CoreTypes.WireLine> = {}) => renderRowHtml({ kind: 'line', ts: TS, stream: 'stdout', text, ...extra }, { time: 'off' });

/** Every tag in an HTML string must be one the renderer writes: span with class/data-fg/data-bg. */
function assertOnlyOwnMarkup(html: string): void {
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const t of tags) assert.match(t, /^(<span( class="[a-z0-9 -]+")?( data-fg="#[0-9a-f]{6}")?( data-bg="#[0-9a-f]{6}")?>|<\/span>)$/, `unexpected markup ${t} in ${html.slice(0, 200)}`);
  // Outside tags no raw angle bracket or quote survives.
  const text = html.replace(/<[^>]*>/g, '');
  assert.doesNotMatch(text, /[<>"]/);
}

/** The text a browser would show for the HTML (entities decoded). */
function shown(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('hostile lines render as text', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(2)>',
    '"><svg/onload=alert(3)>',
    "' onmouseover='alert(4)",
    '&lt;b&gt; already escaped &amp;',
    '</span><span class="f1">fake</span>',
    '\x1b[31m<script>red</script>\x1b[0m',
    '\x1b]8;;javascript:alert(5)\x07link\x1b]8;;\x07',
    '\x1b[38;2;255;0;0;"><script>m',
    '\x1b[38;5;999mX\x1b[48;2;300;1;1mY',
    'bad \uFFFD\uFFFD utf8',
  ];
  for (const h of hostile) {
    test(JSON.stringify(h).slice(0, 60), () => {
      const html = row(h);
      assertOnlyOwnMarkup(html);
      assert.equal(shown(html), stripAnsi(h));
    });
  }

  test('property: any text renders to own markup only, and shows exactly its plain text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '\x1b', '[', ']', ';', 'm', '3', '8', '2', '5', '\x07', 'a', ' ', '\u0000', '\x9b', 'é', '\uFFFD'), maxLength: 80 }), (s) => {
        const html = renderSegmentsHtml(parseAnsi(s).segments);
        assertOnlyOwnMarkup(html);
        assert.equal(shown(html), parseAnsi(s).plain);
      }),
      { numRuns: 2000 },
    );
  });

  test('a very long line draws its head and says how much more there is', () => {
    const html = row('x'.repeat(100_000));
    assert.ok(html.length < 5000);
    assert.match(html, /… 96,000 more characters/);
    assert.match(row('y', { truncated: 1234 }), /… 1,234 characters cut by Pier/);
  });

  test('escapeHtml', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('ANSI', () => {
  test('SGR colours and attributes become segments; resets work', () => {
    const { segments, plain } = parseAnsi('a\x1b[1;31mb\x1b[22mc\x1b[0md\x1b[92;44me\x1b[39;49mf');
    assert.equal(plain, 'abcdef');
    assert.deepEqual(segments, [
      { text: 'a' },
      { text: 'b', bold: true, fg: 1 },
      { text: 'c', fg: 1 },
      { text: 'd' },
      { text: 'e', fg: 10, bg: 4 },
      { text: 'f' },
    ]);
  });

  test('256 and true colour; out-of-range values are ignored', () => {
    assert.deepEqual(parseAnsi('\x1b[38;5;196mx').segments, [{ text: 'x', fg: '#ff0000' }]);
    assert.deepEqual(parseAnsi('\x1b[38;5;3mx').segments, [{ text: 'x', fg: 3 }]);
    assert.deepEqual(parseAnsi('\x1b[48;2;1;2;3mx').segments, [{ text: 'x', bg: '#010203' }]);
    assert.deepEqual(parseAnsi('\x1b[38:2:10:20:30mx').segments, [{ text: 'x', fg: '#0a141e' }], 'the colon form');
    assert.deepEqual(parseAnsi('\x1b[38;5;999mx\x1b[38;2;300;0;0my').segments, [{ text: 'xy' }]);
    assert.equal(color256(232), '#080808');
    assert.equal(color256(231), '#ffffff');
  });

  test('cursor moves, titles, links, charset switches, C0/C1 controls and cut-off escapes are dropped', () => {
    assert.equal(stripAnsi('a\x1b[2Kb\x1b[10;5Hc\x1b[?25ld'), 'abcd');
    assert.equal(stripAnsi('\x1b]0;title\x07x\x1b]8;;http://e\x1b\\y'), 'xy');
    assert.equal(stripAnsi('\x1b(Bz\x1b7\x1b8'), 'z');
    assert.equal(stripAnsi('a\x00b\x08c\rd\te\x7f\x85f'), 'abcd\tef');
    assert.equal(stripAnsi('end\x1b['), 'end');
    assert.equal(stripAnsi('end\x1b'), 'end');
    assert.equal(stripAnsi('\x9b31mone-byte CSI'), 'one-byte CSI');
  });

  test('inverse swaps colours', () => {
    assert.match(renderSegmentsHtml(parseAnsi('\x1b[7;31mx').segments), /class="finv b1"/);
  });
});

describe('levels', () => {
  const cases: [string, CoreTypes.Level | undefined][] = [
    ['2026/11/26 ERROR failed to connect', 'error'],
    ['[WARN] disk at 91%', 'warn'],
    ['<info> started', 'info'],
    ['time=... level=debug msg=tick', 'debug'],
    ['level="warning" msg=x', 'warn'],
    ['error: cannot open /dev/i2c-1', 'error'],
    ['Warning: deprecated', 'warn'],
    ['E1126 06:29:02.123 main.go:12] boom', 'error'],
    ['I1126 06:29:02.123 main.go:12] ok', 'info'],
    ['Traceback (most recent call last):', 'error'],
    ['panic: runtime error: index out of range', 'error'],
    ['{"level":"error","msg":"x"}', 'error'],
    ['{"lvl":"WARN"}', 'warn'],
    ['{"level":30,"msg":"pino"}', 'info'],
    ['{"level":50}', 'error'],
    ['{"severity":"DEBUG"}', 'debug'],
    ['{"log":{"level":"warning"}}', 'warn'],
    ['{"msg":"no level here, even with ERROR in it"}', undefined],
    ['0 errors, 2 warnings', undefined],
    ['seq=1 sensor=a temp_c=20.1', undefined],
    ['{broken json ERROR', 'error'],
  ];
  for (const [text, want] of cases) test(`${text} -> ${want}`, () => assert.equal(detectLevel(text), want));
});

describe('filters', () => {
  const subject = (plain: string, extra: Partial<CoreTypes.FilterSubject> = {}): CoreTypes.FilterSubject => ({ plain, ...extra });

  test('text: case-insensitive substring by default; case-sensitive when asked', () => {
    const f = makeFilter({ text: 'Temp' });
    assert.ok(f.test(subject('temp_c=20')));
    assert.ok(!f.test(subject('seq=1')));
    assert.ok(!makeFilter({ text: 'Temp', caseSensitive: true }).test(subject('temp_c')));
    assert.deepEqual(f.ranges('a TEMP b temp'), [
      [2, 6],
      [9, 13],
    ]);
  });

  test('regex, with an invalid one reported and matching everything', () => {
    const f = makeFilter({ text: 'seq=\\d+5$', regex: true });
    assert.ok(f.test(subject('seq=15')));
    assert.ok(!f.test(subject('seq=16')));
    assert.ok(f.test(subject('seq=25')), 'the g flag does not carry lastIndex from one line to the next');
    const bad = makeFilter({ text: '(', regex: true });
    assert.match(bad.error!, /regular expression|Unterminated|unterminated/i);
    assert.ok(bad.test(subject('anything')));
    assert.deepEqual(makeFilter({ text: 'x*', regex: true }).ranges('axxb'), [[1, 3]], 'empty matches are skipped, not looped on');
  });

  test('levels, services and streams; states always pass', () => {
    const f = makeFilter({ levels: ['error'], services: ['web'] });
    assert.ok(f.test(subject('boom', { level: 'error', service: 'web' })));
    assert.ok(!f.test(subject('boom', { level: 'error', service: 'sensor' })));
    assert.ok(!f.test(subject('ok', { level: 'info', service: 'web' })));
    assert.ok(f.test(subject('reconnecting', { state: true })));
    assert.ok(makeFilter({ streams: ['stderr'] }).test(subject('x', { stream: 'stderr' })));
    assert.ok(!makeFilter({ streams: ['stderr'] }).test(subject('x', { stream: 'stdout' })));
    assert.equal(makeFilter({}).active, false);
  });
});

describe('time and plain text', () => {
  test('device time as given, local time converted, off', () => {
    assert.equal(formatTime(TS, 'device'), '06:29:02.163');
    const d = new Date('2026-11-26T06:29:02.163Z');
    assert.equal(formatTime(TS, 'local'), `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:02.163`);
    assert.equal(formatTime(TS, 'off'), '');
  });

  test('plain lines for copy and save: no escapes, stderr marked, source when asked', () => {
    const line: CoreTypes.WireLine = { kind: 'line', ts: TS, stream: 'stderr', text: '\x1b[31mboom\x1b[0m', service: 'web' };
    assert.equal(plainLine(line, { time: 'device', showSource: true }), `${TS} web ! boom`);
    assert.equal(plainLine({ ...line, stream: 'stdout' }, { time: 'off' }), 'boom');
    assert.equal(plainLine({ kind: 'state', state: 'reconnecting', at: 0, message: 'reconnecting since 12:03:04' }, { time: 'off' }), '-- reconnecting since 12:03:04 --');
  });

  test('state rows are escaped too', () => {
    const html = renderRowHtml({ kind: 'state', state: 'failed', at: 0, message: '<b>x</b>' }, { time: 'off' });
    assert.equal(html, '<span class="state st-failed">&lt;b&gt;x&lt;/b&gt;</span>');
    assert.match(renderRowHtml({ kind: 'state', state: 'x"><script>', at: 0, message: 'm' }, { time: 'off' }), /st-other/);
  });

  test('filter matches are marked inside coloured segments', () => {
    const p = parseAnsi('ab\x1b[31mcd\x1b[0mef');
    assert.equal(renderSegmentsHtml(p.segments, [[1, 5]]), 'a<span class="mk">b</span><span class="f1 mk">cd</span><span class="mk">e</span>f');
  });
});
