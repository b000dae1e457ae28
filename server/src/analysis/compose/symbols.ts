// Document symbols for Compose files: the services, networks, volumes, secrets, configs and
// models the file declares, grouped under their top-level key. Pure.

import { isMap, isPair } from 'yaml';
import { LineIndex } from '../engine/text';
import type { Range } from '../engine/types';
import { keyName, nodeSpan, parseYaml, YamlReader } from './yaml-doc';

/** One symbol with its children. */
export interface ComposeSymbol {
  name: string;
  kind: 'group' | 'service' | 'network' | 'volume' | 'secret' | 'config' | 'model';
  detail?: string;
  /** The whole entry (key and value). */
  range: Range;
  /** The name itself. */
  selectionRange: Range;
  children: ComposeSymbol[];
}

const GROUPS: Array<[string, ComposeSymbol['kind']]> = [
  ['services', 'service'],
  ['networks', 'network'],
  ['volumes', 'volume'],
  ['secrets', 'secret'],
  ['configs', 'config'],
  ['models', 'model'],
];

/** The outline of a Compose file; never throws. */
export function composeSymbols(text: string): ComposeSymbol[] {
  const lines = new LineIndex(text);
  const doc = parseYaml(text);
  const y = new YamlReader(doc);
  const root = doc.contents;
  if (!isMap(root)) return [];
  const out: ComposeSymbol[] = [];
  for (const p of root.items) {
    if (!isPair(p)) continue;
    const group = GROUPS.find(([k]) => k === keyName(p));
    const ks = nodeSpan(p.key);
    if (!group || !ks) continue;
    const groupSym: ComposeSymbol = { name: group[0], kind: 'group', range: lines.range(ks[0], Math.max(ks[1], end(text, p) ?? ks[1])), selectionRange: lines.range(ks[0], ks[1]), children: [] };
    for (const e of y.pairs(p.value)) {
      const es = nodeSpan(e.key);
      const name = keyName(e);
      if (!es || name === undefined) continue;
      groupSym.children.push({ name, kind: group[1], detail: group[1] === 'service' ? serviceDetail(y, e.value) : undefined, range: lines.range(es[0], Math.max(es[1], end(text, e) ?? es[1])), selectionRange: lines.range(es[0], es[1]), children: [] });
    }
    out.push(groupSym);
  }
  return out;
}

/** Where an entry's text ends, before the line breaks and blank lines after it. */
function end(text: string, p: { key: unknown; value: unknown }): number | undefined {
  let e = nodeSpan(p.value)?.[1] ?? nodeSpan(p.key)?.[1];
  if (e === undefined) return undefined;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  return e;
}

function serviceDetail(y: YamlReader, node: unknown): string | undefined {
  const image = y.value(y.get(node, 'image'));
  if (typeof image === 'string') return image;
  const build = y.get(node, 'build');
  const ctx = isMap(build) ? y.value(y.get(build, 'context')) : y.value(build);
  return build !== undefined ? `build: ${typeof ctx === 'string' ? ctx : '.'}` : undefined;
}
