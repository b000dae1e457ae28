// @ts-check
// The log panel's pure logic: ANSI escapes to styled segments, log levels (words and JSON lines),
// filters, timestamps, service colours, and the HTML of one row. No DOM, no VS Code: the webview
// loads it as a script (window.PierLogCore) and Node loads it as a module (tests, save to file).
//
// Log text is never markup. Every character of a line reaches the HTML only through escapeHtml,
// and the only markup in a row is what this file writes: spans with class names from fixed lists
// and colours it computed from numbers.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else /** @type {any} */ (root).PierLogCore = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /** @param {string} s */
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
  }

  // ---- ANSI -----------------------------------------------------------------------------------

  /**
   * @typedef {{ fg?: number | string, bg?: number | string, bold?: boolean, dim?: boolean, italic?: boolean,
   *   underline?: boolean, inverse?: boolean, strike?: boolean }} Style
   * A colour is a palette index 0-15 (drawn with the theme's terminal colours) or '#rrggbb'.
   * @typedef {Style & { text: string }} Segment
   */

  /** @param {number} n */
  const hex2 = (n) => Math.max(0, Math.min(255, n | 0)).toString(16).padStart(2, '0');

  /** The xterm 256-colour palette entry for 16-255 as '#rrggbb'; 0-15 stay palette indexes. */
  function color256(/** @type {number} */ n) {
    if (n < 16) return n;
    if (n < 232) {
      const v = n - 16;
      const step = (/** @type {number} */ c) => (c === 0 ? 0 : 55 + c * 40);
      return `#${hex2(step(Math.floor(v / 36)))}${hex2(step(Math.floor(v / 6) % 6))}${hex2(step(v % 6))}`;
    }
    const g = 8 + (n - 232) * 10;
    return `#${hex2(g)}${hex2(g)}${hex2(g)}`;
  }

  /**
   * Apply one SGR sequence's parameters to a style; unknown or out-of-range values are ignored.
   * @param {Style} st @param {number[]} p
   */
  function applySgr(st, p) {
    if (!p.length) p = [0];
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (c === 0) for (const k of Object.keys(st)) delete /** @type {any} */ (st)[k];
      else if (c === 1) st.bold = true;
      else if (c === 2) st.dim = true;
      else if (c === 3) st.italic = true;
      else if (c === 4) st.underline = true;
      else if (c === 7) st.inverse = true;
      else if (c === 9) st.strike = true;
      else if (c === 22) delete st.bold, delete st.dim;
      else if (c === 23) delete st.italic;
      else if (c === 24) delete st.underline;
      else if (c === 27) delete st.inverse;
      else if (c === 29) delete st.strike;
      else if (c >= 30 && c <= 37) st.fg = c - 30;
      else if (c >= 90 && c <= 97) st.fg = c - 90 + 8;
      else if (c === 39) delete st.fg;
      else if (c >= 40 && c <= 47) st.bg = c - 40;
      else if (c >= 100 && c <= 107) st.bg = c - 100 + 8;
      else if (c === 49) delete st.bg;
      else if (c === 38 || c === 48) {
        const key = c === 38 ? 'fg' : 'bg';
        if (p[i + 1] === 5 && i + 2 < p.length) {
          if (p[i + 2] >= 0 && p[i + 2] <= 255) st[key] = color256(p[i + 2]);
          i += 2;
        } else if (p[i + 1] === 2 && i + 4 < p.length) {
          const [r, g, b] = [p[i + 2], p[i + 3], p[i + 4]];
          if ([r, g, b].every((x) => x >= 0 && x <= 255)) st[key] = `#${hex2(r)}${hex2(g)}${hex2(b)}`;
          i += 4;
        } else break;
      }
    }
  }

  const STYLE_KEYS = /** @type {const} */ (['fg', 'bg', 'bold', 'dim', 'italic', 'underline', 'inverse', 'strike']);
  /** @param {Style} a @param {Style} b */
  const sameStyle = (a, b) => STYLE_KEYS.every((k) => a[k] === b[k]);

  /**
   * Split a line into styled segments. SGR colours and attributes are kept; every other escape
   * sequence (cursor moves, titles, OSC links, malformed ones) and control character is dropped,
   * except tabs. `plain` is the text without them, for filters, copy and save.
   * @param {string} text
   * @returns {{ segments: Segment[], plain: string }}
   */
  function parseAnsi(text) {
    /** @type {Segment[]} */
    const segments = [];
    /** @type {Style} */
    let st = {};
    let plain = '';
    let buf = '';
    const flush = () => {
      if (!buf) return;
      const last = segments[segments.length - 1];
      if (last && sameStyle(last, st)) last.text += buf;
      else segments.push(Object.assign({ text: buf }, st));
      plain += buf;
      buf = '';
    };
    const n = text.length;
    let i = 0;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 0x1b || ch === 0x9b) {
        // CSI: ESC [ (or the one-byte 0x9b) params intermediates final.
        if (ch === 0x9b || text[i + 1] === '[') {
          let j = ch === 0x9b ? i + 1 : i + 2;
          const start = j;
          while (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
          const params = text.slice(start, j);
          while (j < n && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
          if (j >= n) break; // unterminated: drop the rest of the escape
          const final = text[j];
          if (final === 'm' && /^[\d;:]*$/.test(params)) {
            flush();
            st = Object.assign({}, st);
            applySgr(st, params.split(/[;:]/).map((x) => (x === '' ? 0 : Math.min(Number(x), 100000))));
          }
          i = j + 1;
          continue;
        }
        // OSC / DCS / APC / PM / SOS: up to BEL or ST (ESC \).
        if (text[i + 1] === ']' || text[i + 1] === 'P' || text[i + 1] === '_' || text[i + 1] === '^' || text[i + 1] === 'X') {
          let j = i + 2;
          while (j < n && text.charCodeAt(j) !== 0x07 && !(text.charCodeAt(j) === 0x1b && text[j + 1] === '\\')) j++;
          i = j >= n ? n : text.charCodeAt(j) === 0x07 ? j + 1 : j + 2;
          continue;
        }
        // Any other escape: ESC plus one character (plus one more for charset designations).
        i += text[i + 1] === '(' || text[i + 1] === ')' || text[i + 1] === '#' ? 3 : 2;
        continue;
      }
      if ((ch < 0x20 && ch !== 0x09) || ch === 0x7f || (ch >= 0x80 && ch < 0xa0)) {
        i++;
        continue;
      }
      buf += text[i];
      i++;
    }
    flush();
    return { segments, plain };
  }

  /** Remove escapes and control characters. @param {string} text */
  function stripAnsi(text) {
    // eslint-disable-next-line no-control-regex
    if (!/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(text)) return text;
    return parseAnsi(text).plain;
  }

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
