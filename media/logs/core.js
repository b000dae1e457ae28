// @ts-check
// The log panel's pure logic: ANSI escapes to styled segments, log levels (words and JSON lines),
// filters, timestamps, service colours, and the HTML of one row. No DOM, no VS Code: the webview
// loads it as a script (window.PierLogCore) and Node loads it as a module (tests, save to file).
//
// Log text is never markup. Every character of a line reaches the HTML only through escapeHtml,
// and the only markup in a row is what this file writes: spans with class names from fixed lists
// and colours it computed from numbers.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./ansi.js'));
  else /** @type {any} */ (root).PierLogCore = factory(/** @type {any} */ (root).PierLogAnsi);
})(typeof self !== 'undefined' ? self : this, function (/** @type {any} */ ansi) {
  'use strict';
  /** @typedef {import('./ansi').Style} Style @typedef {import('./ansi').Segment} Segment */
  const { escapeHtml, color256, parseAnsi, stripAnsi } = ansi;

  // ---- Levels ---------------------------------------------------------------------------------

  /** @typedef {'error' | 'warn' | 'info' | 'debug'} Level */

  /** @type {Record<string, Level>} */
  const WORDS = {
    error: 'error', err: 'error', fatal: 'error', panic: 'error', crit: 'error', critical: 'error', alert: 'error', emerg: 'error', emergency: 'error', severe: 'error', dpanic: 'error',
    warn: 'warn', warning: 'warn',
    info: 'info', information: 'info', informational: 'info', notice: 'info',
    debug: 'debug', trace: 'debug', verbose: 'debug', fine: 'debug', finer: 'debug', finest: 'debug',
  };
  const JSON_KEYS = ['level', 'lvl', 'severity', 'levelname', 'loglevel', 'log.level', '@level', 'level_name', 'severity_text', 'status'];

  /** @param {unknown} v @returns {Level | undefined} */
  function levelOfValue(v) {
    if (typeof v === 'number') {
      // pino/bunyan numbers.
      if (v >= 50) return 'error';
      if (v >= 40) return 'warn';
      if (v >= 30) return 'info';
      return 'debug';
    }
    if (typeof v !== 'string') return undefined;
    return WORDS[v.trim().toLowerCase()];
  }

  const LOGFMT = /(?:^|\s)(?:level|lvl|severity)=["']?([A-Za-z]+)/i;
  const BRACKET = /[[<(]\s*(ERROR|ERR|FATAL|PANIC|CRIT(?:ICAL)?|EMERG|ALERT|SEVERE|WARN(?:ING)?|INFO|NOTICE|DEBUG|TRACE)\s*[\]>)]/i;
  const UPPER = /\b(ERROR|ERR|FATAL|PANIC|CRITICAL|CRIT|EMERG|ALERT|SEVERE|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)\b/;
  const LEADING = /^\W{0,3}(error|fatal|panic|warning|warn|info|debug|trace)\b\s*[:\]|-]/i;
  const GLOG = /^([EWIDF])\d{4} \d\d:\d\d:\d\d/;
  const TRACEBACK = /^(Traceback \(most recent call last\)|panic: |Exception in thread |Unhandled exception)/;

  /**
   * The level of a line: a JSON object's level field (or pino's number), `level=` of logfmt, a
   * bracketed or upper-case level word, a leading "error:", glog's letter, a traceback's first line.
   * @param {string} plain text without escapes @returns {Level | undefined}
   */
  function detectLevel(plain) {
    const s = plain.length > 2000 ? plain.slice(0, 2000) : plain;
    const t = s.trimStart();
    if (t.startsWith('{') && plain.length <= 65536) {
      try {
        const o = JSON.parse(plain);
        if (o && typeof o === 'object') {
          for (const k of JSON_KEYS) {
            const v = k.includes('.') ? k.split('.').reduce((/** @type {any} */ a, p) => (a && typeof a === 'object' ? a[p] : undefined), o) : o[k] ?? o[k.toUpperCase()];
            const l = levelOfValue(v);
            if (l) return l;
          }
          return undefined;
        }
      } catch {
        // Not JSON after all: read it as text.
      }
    }
    let m = LOGFMT.exec(s);
    if (m && WORDS[m[1].toLowerCase()]) return WORDS[m[1].toLowerCase()];
    m = GLOG.exec(t);
    if (m) return /** @type {Level} */ ({ E: 'error', F: 'error', W: 'warn', I: 'info', D: 'debug' }[m[1]]);
    if (TRACEBACK.test(t)) return 'error';
    m = BRACKET.exec(s) || UPPER.exec(s.slice(0, 200)) || LEADING.exec(t);
    return m ? WORDS[m[1].toLowerCase()] : undefined;
  }

  // ---- Filters --------------------------------------------------------------------------------

  /**
   * @typedef {{ text?: string, regex?: boolean, caseSensitive?: boolean, levels?: Level[], services?: string[], streams?: ('stdout'|'stderr')[] }} FilterSpec
   * @typedef {{ plain: string, level?: Level, service?: string, stream?: string, state?: boolean }} FilterSubject
   */

  /**
   * A filter from what the person typed. An invalid regular expression is reported in `error`
   * and then matches everything, so the view is never emptied by a half-typed pattern.
   * @param {FilterSpec} spec
   */
  function makeFilter(spec) {
    const text = spec.text || '';
    /** @type {RegExp | undefined} */
    let re;
    /** @type {string | undefined} */
    let error;
    if (text && spec.regex) {
      try {
        re = new RegExp(text, spec.caseSensitive ? 'g' : 'gi');
      } catch (e) {
        error = String(/** @type {Error} */ (e).message || e);
      }
    }
    const needle = spec.caseSensitive ? text : text.toLowerCase();
    const levels = spec.levels && spec.levels.length ? new Set(spec.levels) : undefined;
    const services = spec.services && spec.services.length ? new Set(spec.services) : undefined;
    /** @type {Set<string> | undefined} */
    const streams = spec.streams && spec.streams.length ? new Set(spec.streams) : undefined;
    const active = !!(text && !error) || !!levels || !!services || !!streams;
    return {
      error,
      active,
      /** @param {FilterSubject} e */
      test(e) {
        if (e.state) return true; // states stay visible: they tell where a gap could have been
        if (levels && (!e.level || !levels.has(e.level))) return false;
        if (services && !services.has(e.service || '')) return false;
        if (streams && !streams.has(e.stream || '')) return false;
        if (!text || error) return true;
        const hay = e.plain.length > 100000 ? e.plain.slice(0, 100000) : e.plain;
        if (re) {
          re.lastIndex = 0;
          return re.test(hay);
        }
        return (spec.caseSensitive ? hay : hay.toLowerCase()).includes(needle);
      },
      /** Ranges [start, end) of matches in a plain text, for highlighting. @param {string} plain */
      ranges(plain) {
        /** @type {[number, number][]} */
        const out = [];
        if (!text || error) return out;
        if (re) {
          re.lastIndex = 0;
          let m;
          while ((m = re.exec(plain)) && out.length < 200) {
            if (m[0].length === 0) {
              re.lastIndex++;
              continue;
            }
            out.push([m.index, m.index + m[0].length]);
          }
          return out;
        }
        const hay = spec.caseSensitive ? plain : plain.toLowerCase();
        for (let at = hay.indexOf(needle); at >= 0 && out.length < 200; at = hay.indexOf(needle, at + needle.length)) out.push([at, at + needle.length]);
        return out;
      },
    };
  }

  // ---- Time, services, rows -------------------------------------------------------------------

  /**
   * A timestamp for a row: 'device' shows the device's time as the runtime gave it (UTC),
   * 'local' the host's local time; both to the millisecond. Empty for 'off'.
   * @param {string} ts normalised RFC 3339 @param {'off'|'device'|'local'} mode
   */
  function formatTime(ts, mode) {
    if (mode === 'off' || !ts) return '';
    if (mode === 'device') return ts.slice(11, 23);
    const d = new Date(ts.slice(0, 23) + 'Z');
    if (isNaN(d.getTime())) return ts.slice(11, 23);
    const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }

  /** Colour slots for services, in order of first appearance. */
  const SERVICE_COLORS = 6;
  function serviceColors() {
    /** @type {Map<string, number>} */
    const m = new Map();
    return {
      /** @param {string} name */
      of(name) {
        let i = m.get(name);
        if (i === undefined) {
          i = m.size % SERVICE_COLORS;
          m.set(name, i);
        }
        return i;
      },
    };
  }

  /** Longest text drawn in a row; the rest is said, and copy/save keep it all. */
  const MAX_DRAWN = 4000;

  /** @param {Style} st @param {boolean} mark */
  function classesOf(st, mark) {
    const c = [];
    let fg = st.fg;
    let bg = st.bg;
    if (st.inverse) [fg, bg] = [bg === undefined ? 'inv-fg' : bg, fg === undefined ? 'inv-bg' : fg];
    if (typeof fg === 'number') c.push(`f${fg}`);
    else if (fg === 'inv-fg') c.push('finv');
    if (typeof bg === 'number') c.push(`b${bg}`);
    else if (bg === 'inv-bg') c.push('binv');
    if (st.bold) c.push('bo');
    if (st.dim) c.push('di');
    if (st.italic) c.push('it');
    if (st.underline) c.push('un');
    if (st.strike) c.push('st');
    if (mark) c.push('mk');
    const data = [];
    if (typeof fg === 'string' && /^#[0-9a-f]{6}$/.test(fg)) data.push(` data-fg="${fg}"`);
    if (typeof bg === 'string' && /^#[0-9a-f]{6}$/.test(bg)) data.push(` data-bg="${bg}"`);
    return { cls: c.join(' '), data: data.join('') };
  }

  /**
   * The HTML of a line's text: escaped segments in spans, filter matches marked. Colours other
   * than the 16 theme colours travel in data-fg / data-bg (validated '#rrggbb'), which the view
   * applies through the style object, so the page needs no inline style attributes.
   * @param {Segment[]} segments @param {[number, number][]} [ranges]
   */
  function renderSegmentsHtml(segments, ranges = []) {
    let out = '';
    let pos = 0;
    let drawn = 0;
    let r = 0;
    for (const seg of segments) {
      let text = seg.text;
      if (drawn + text.length > MAX_DRAWN) text = text.slice(0, Math.max(0, MAX_DRAWN - drawn));
      let i = 0;
      while (i < text.length) {
        while (r < ranges.length && ranges[r][1] <= pos + i) r++;
        const inMark = r < ranges.length && ranges[r][0] <= pos + i;
        const end = Math.min(text.length, inMark ? ranges[r][1] - pos : r < ranges.length ? ranges[r][0] - pos : text.length);
        const piece = text.slice(i, Math.max(end, i + 1));
        const { cls, data } = classesOf(seg, inMark);
        out += cls || data ? `<span${cls ? ` class="${cls}"` : ''}${data}>${escapeHtml(piece)}</span>` : escapeHtml(piece);
        i += piece.length;
      }
      pos += seg.text.length;
      drawn += text.length;
      if (drawn >= MAX_DRAWN) break;
    }
    const total = segments.reduce((n, s) => n + s.text.length, 0);
    if (total > MAX_DRAWN) out += `<span class="more">… ${(total - MAX_DRAWN).toLocaleString('en')} more characters</span>`;
    return out;
  }

  /**
   * @typedef {{ kind: 'line', ts: string, stream: 'stdout'|'stderr', text: string, name?: string, service?: string, truncated?: number }} WireLine
   * @typedef {{ kind: 'state', state: string, at: number, message: string }} WireState
   * @typedef {{ time: 'off'|'device'|'local', showSource?: boolean, color?: (name: string) => number, ranges?: (plain: string) => [number, number][] }} RowOptions
   */

  /**
   * The inner HTML of one row.
   * @param {WireLine | WireState} e @param {RowOptions} o
   * @param {{ segments: Segment[], plain: string }} [parsed] the line's parseAnsi result, when known
   */
  function renderRowHtml(e, o, parsed) {
    if (e.kind === 'state') {
      const t = o.time === 'off' ? '' : `<span class="ts">${escapeHtml(formatTime(new Date(e.at).toISOString().replace('Z', '000000Z'), o.time === 'device' ? 'local' : o.time))}</span>`;
      return `${t}<span class="state st-${/^[a-z]+$/.test(e.state) ? e.state : 'other'}">${escapeHtml(e.message)}</span>`;
    }
    const p = parsed || parseAnsi(e.text);
    const t = o.time === 'off' ? '' : `<span class="ts">${escapeHtml(formatTime(e.ts, o.time))}</span>`;
    const source = e.service || e.name;
    const s = o.showSource && source ? `<span class="svc s${o.color ? o.color(source) : 0}">${escapeHtml(source)}</span>` : '';
    const tail = e.truncated ? `<span class="more">… ${e.truncated.toLocaleString('en')} characters cut by Pier</span>` : '';
    return `${t}${s}<span class="msg">${renderSegmentsHtml(p.segments, o.ranges ? o.ranges(p.plain) : [])}</span>${tail}`;
  }

  /**
   * One entry as a line of plain text, for copy and save.
   * @param {WireLine | WireState} e @param {{ time: 'off'|'device'|'local', showSource?: boolean }} o
   */
  function plainLine(e, o) {
    if (e.kind === 'state') return `-- ${e.message} --`;
    const parts = [];
    if (o.time === 'device') parts.push(e.ts);
    else if (o.time === 'local') parts.push(formatTime(e.ts, 'local'));
    const source = e.service || e.name;
    if (o.showSource && source) parts.push(source);
    if (e.stream === 'stderr') parts.push('!');
    parts.push(stripAnsi(e.text));
    return parts.join(' ');
  }

  return { escapeHtml, parseAnsi, stripAnsi, color256, detectLevel, levelOfValue, makeFilter, formatTime, serviceColors, renderSegmentsHtml, renderRowHtml, plainLine, MAX_DRAWN, SERVICE_COLORS };
});
