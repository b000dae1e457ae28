// Text edits for Compose quick fixes that keep the file's own layout: its indentation step, its
// way of indenting lists under a key, and its line endings.

import { isMap, isSeq, isPair, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../engine/types';
import type { ComposeContext } from './context';
import { nodeSpan } from './yaml-doc';

/** A block of YAML to insert: lines with their nesting level (0 = the map's own keys). */
export type YamlLines = Array<[level: number, text: string]>;

/** The layout a file uses, guessed from its own nesting. */
export interface Layout {
  /** Spaces per nesting level. */
  unit: number;
  /** True when list items are indented under their key (`ports:\n  - x`), false for `ports:\n- x`. */
  seqIndented: boolean;
  eol: string;
}

const layoutCache = new WeakMap<ComposeContext, Layout>();

/** The file's layout (cached per analysis). */
export function layoutOf(ctx: ComposeContext): Layout {
  const cached = layoutCache.get(ctx);
  if (cached) return cached;
  let unit = 0;
  let seqIndented: boolean | undefined;
  const col = (n: unknown) => {
    const s = nodeSpan(n);
    return s ? ctx.lines.positionAt(s[0]).character : -1;
  };
  const walk = (node: unknown, keyCol: number, depth: number) => {
    if (depth > 6 || (unit && seqIndented !== undefined)) return;
    if (isMap(node) && !node.flow) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const kc = col(p.key);
        const v = p.value;
        if (isMap(v) && !v.flow && v.items.length && isPair(v.items[0])) {
          const cc = col(v.items[0].key);
          if (!unit && cc > kc && ctx.lines.positionAt(nodeSpan(v.items[0].key)![0]).line > ctx.lines.positionAt(nodeSpan(p.key)![0]).line) unit = cc - kc;
        }
        if (isSeq(v) && !v.flow && v.items.length && seqIndented === undefined) {
          const ic = col(v) ;
          if (ic >= 0 && ctx.lines.positionAt(nodeSpan(v)![0]).line > ctx.lines.positionAt(nodeSpan(p.key)![0]).line) seqIndented = ic > kc;
        }
        walk(v, kc, depth + 1);
      }
    } else if (isSeq(node) && !node.flow) {
      for (const it of node.items) walk(it, keyCol, depth + 1);
    }
  };
  walk(ctx.doc.contents, 0, 0);
  const layout = { unit: unit || 2, seqIndented: seqIndented ?? true, eol: ctx.text.includes('\r\n') ? '\r\n' : '\n' };
  layoutCache.set(ctx, layout);
  return layout;
}

/** Render lines at a base column with the file's indentation unit. */
export function renderLines(ctx: ComposeContext, column: number, lines: YamlLines): string {
  const { unit, eol } = layoutOf(ctx);
  return lines.map(([level, t]) => ' '.repeat(column + level * unit) + t).join(eol);
}

/** Indentation of a list item under a key at `keyLevel` (for building YamlLines). */
export function seqLevel(ctx: ComposeContext, keyLevel: number): number {
  return layoutOf(ctx).seqIndented ? keyLevel + 1 : keyLevel;
}

/** The column where a node starts. */
export function columnOf(ctx: ComposeContext, node: unknown): number {
  const s = nodeSpan(node);
  return s ? ctx.lines.positionAt(s[0]).character : 0;
}

/** The offset of the end of the last line holding content of a node (before its line break). */
function contentLineEnd(ctx: ComposeContext, node: Node | Pair): number {
  const span = nodeSpan(isPair(node) ? (node.value ?? node.key) : node) ?? nodeSpan((node as Pair).key) ?? [0, 0];
  let end = span[1];
  const t = ctx.text;
  while (end > span[0] && /\s/.test(t[end - 1])) end--;
  const nl = t.indexOf('\n', end);
  const lineEnd = nl < 0 ? t.length : nl;
  return t[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
}

/**
 * Insert keys at the end of a block mapping, at the column of its keys. Undefined for flow
 * mappings (`{a: 1}`) and empty ones, where there is no layout to follow.
 */
export function insertIntoMap(ctx: ComposeContext, map: YAMLMap | undefined, lines: YamlLines): TextEdit | undefined {
  if (!map || map.flow || !map.items.length) return undefined;
  const first = map.items[0];
  if (!isPair(first) || !nodeSpan(first.key)) return undefined;
  const column = columnOf(ctx, first.key);
  const last = map.items[map.items.length - 1] as Pair;
  const at = contentLineEnd(ctx, last);
  const pos = ctx.lines.positionAt(at);
  return { range: { start: pos, end: pos }, newText: layoutOf(ctx).eol + renderLines(ctx, column, lines) };
}

/** Replace a node's text. */
export function replaceNode(ctx: ComposeContext, node: unknown, newText: string): TextEdit {
  return { range: ctx.range(node), newText };
}

/** Remove a whole block pair (its key line through its value's last line, and the line break). */
export function removePair(ctx: ComposeContext, pair: Pair): TextEdit | undefined {
  const ks = nodeSpan(pair.key);
  if (!ks) return undefined;
  const startLine = ctx.lines.positionAt(ks[0]).line;
  const lineStart = ctx.lines.offsetAt({ line: startLine, character: 0 });
  // Only when the key starts its line: removing part of a flow mapping would break it.
  if (ctx.text.slice(lineStart, ks[0]).trim() !== '') return undefined;
  const end = contentLineEnd(ctx, pair);
  const t = ctx.text;
  const after = t[end] === '\r' && t[end + 1] === '\n' ? end + 2 : t[end] === '\n' ? end + 1 : end;
  return { range: ctx.lines.range(lineStart, after), newText: '' };
}

/** A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted. */
export function yamlString(s: string): string {
  if (/^[A-Za-z0-9_./-][A-Za-z0-9_./:@+-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(s) && !s.includes(': ')) return s;
  return JSON.stringify(s);
}
