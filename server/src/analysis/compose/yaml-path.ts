// Where the cursor is in a Compose file, read from the indentation of the lines above it, so it
// works on the half-typed text an editor has while completing (which often is not valid YAML).

import type { Position } from '../engine/types';

/** What the cursor is on: a key being typed, a value, or a list item. */
export interface CursorContext {
  /** Keys (and 0 for list items) from the root to the mapping or list the cursor is in. */
  path: (string | number)[];
  mode: 'key' | 'value' | 'item';
  /** For `value`: the key whose value is typed. */
  key?: string;
  /** The text typed so far and where it starts on the line. */
  prefix: string;
  prefixStart: Position;
  /** The column keys at this level start at. */
  indent: number;
}

const KEY_LINE = /^(\s*)(-\s+)?((?:"[^"]*"|'[^']*'|[^\s#'"{[\]-][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s|$)/;
const DASH_LINE = /^(\s*)-(?:\s|$)/;

/** The cursor context at a position; undefined inside comments, flow collections and block scalars. */
export function cursorContext(text: string, pos: Position): CursorContext | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  if (pos.line >= lines.length) return undefined;
  const line = lines[pos.line];
  const before = line.slice(0, pos.character);
  if (before.includes('#') || /[[{]/.test(before)) return undefined;
  let ctx: Omit<CursorContext, 'path'> | undefined;
  let own: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\s*)(-\s+)?([\w.-]*)$/.exec(before))) {
    own = m[1].length + (m[2]?.length ?? 0);
    ctx = { mode: m[2] && !m[3] ? 'item' : 'key', prefix: m[3], prefixStart: { line: pos.line, character: pos.character - m[3].length }, indent: own };
    if (m[2]) {
      // `- ` starts a list item of the mapping or list above.
      const r = resolveParents(lines, pos.line, m[1].length, true);
      if (!r) return undefined;
      return { ...ctx, mode: ctx.mode === 'item' ? 'item' : 'key', path: ctx.mode === 'item' ? r : [...r, 0] };
    }
  } else if ((m = /^(\s*)(-\s+)?([^\s#:'"][^:#]*?|"[^"]*"|'[^']*')\s*:\s+(\S*)$/.exec(before))) {
    own = m[1].length + (m[2]?.length ?? 0);
    const key = unquote(m[3]);
    ctx = { mode: 'value', key, prefix: m[4], prefixStart: { line: pos.line, character: pos.character - m[4].length }, indent: own };
    if (m[2]) {
      const r = resolveParents(lines, pos.line, m[1].length, true);
      return r ? { ...ctx, path: [...r, 0] } : undefined;
    }
  } else if ((m = /^(\s*)-\s+(\S*)$/.exec(before))) {
    own = m[1].length;
    ctx = { mode: 'item', prefix: m[2], prefixStart: { line: pos.line, character: pos.character - m[2].length }, indent: own };
    const r = resolveParents(lines, pos.line, own, true);
    return r ? { ...ctx, path: r } : undefined;
  } else return undefined;
  const path = resolveParents(lines, pos.line, own, false);
  return path ? { ...ctx, path } : undefined;
}

/**
 * Walk up from `lineNo` to the keys that contain a line whose content starts at `indent`.
 * `dash` says the line is itself a list item (its parent is the key the list hangs from).
 */
function resolveParents(lines: string[], lineNo: number, indent: number, dash: boolean): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  let cur = indent;
  let wantDashParent = dash;
  for (let l = lineNo - 1; l >= 0; l--) {
    const t = lines[l];
    if (!t.trim() || /^\s*#/.test(t)) continue;
    if (/^\s*(\||>)/.test(t)) return undefined;
    const key = KEY_LINE.exec(t);
    const dashM = DASH_LINE.exec(t);
    const dashCol = dashM ? dashM[1].length : -1;
    const keyCol = key ? key[1].length + (key[2]?.length ?? 0) : -1;
    if (wantDashParent) {
      // A list hangs from a key indented less, or (flush lists) at the same column.
      if (dashM && dashCol === cur) continue;
      if (key && !key[2] && keyCol <= cur) {
        path.unshift(unquote(key[3]));
        cur = keyCol;
        wantDashParent = false;
        continue;
      }
      if (key && key[2] && keyCol < cur) {
        // `- name:` holding the list: we are in that item's mapping.
        path.unshift(0, unquote(key[3]));
        cur = dashCol;
        continue;
      }
      if (/^\S/.test(t)) return undefined;
      continue;
    }
    if (dashM && dashCol < cur) {
      // Our key sits in a list item whose first line is this one.
      path.unshift(0);
      cur = dashCol;
      wantDashParent = true;
      continue;
    }
    if (key && !key[2] && keyCol < cur) {
      path.unshift(unquote(key[3]));
      cur = keyCol;
      if (cur === 0) break;
      continue;
    }
  }
  return path;
}

function unquote(k: string): string {
  const t = k.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}
