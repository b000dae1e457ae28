// @ts-check
// ANSI escapes of log lines to styled segments, and the HTML escaping every character of a line
// goes through. No DOM, no VS Code: the webview loads it as a script (window.PierLogAnsi) before
// core.js, and Node loads it as a module.
/**
 * @typedef {{ fg?: number | string, bg?: number | string, bold?: boolean, dim?: boolean, italic?: boolean,
 *   underline?: boolean, inverse?: boolean, strike?: boolean }} Style
 * A colour is a palette index 0-15 (drawn with the theme's terminal colours) or '#rrggbb'.
 * @typedef {Style & { text: string }} Segment
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else /** @type {any} */ (root).PierLogAnsi = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /** @param {string} s */
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
  }

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

  return { escapeHtml, color256, parseAnsi, stripAnsi };
});
