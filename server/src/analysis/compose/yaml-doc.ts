// The YAML layer under Compose analysis: parsing with positions, and reading maps through
// aliases and merge keys (`<<: *base`) the way Compose does, without ever expanding an alias
// bomb (every lookup follows pointers; nothing is copied).

import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/** How many alias expansions `toJS` may do before we call the document an alias bomb. */
export const MAX_ALIAS_EXPANSION = 1000;

/** Parse options: YAML 1.2 as Compose reads it, with merge keys and unique keys. */
export function parseYaml(text: string): Document.Parsed {
  return parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: false, strict: true });
}

/** True for the `<<` merge key (the parser turns it into a symbol when merge keys are on). */
export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/** The text of a scalar key, or undefined for complex keys. */
export function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (!isScalar(k) || isMergeKey(k)) return undefined;
  const v = k.value;
  return v === null || v === undefined ? '' : typeof v === 'symbol' ? undefined : String(v);
}

/** Reads a document's nodes through aliases and merge keys, caching merged maps. */
export class YamlReader {
  private readonly merged = new WeakMap<YAMLMap, Pair[]>();

  constructor(readonly doc: Document.Parsed) {}

  /** Follow aliases to the node they name (bounded, so alias cycles cannot loop). */
  deref(node: unknown): Node | undefined {
    let n = node as Node | undefined;
    for (let i = 0; i < 32 && isAlias(n); i++) {
      try {
        n = n.resolve(this.doc) as Node | undefined;
      } catch {
        return undefined;
      }
    }
    return isAlias(n) ? undefined : (n ?? undefined);
  }

  /** The map a node is (after aliases), or undefined. */
  map(node: unknown): YAMLMap | undefined {
    const n = this.deref(node);
    return isMap(n) ? n : undefined;
  }

  /** The sequence a node is (after aliases), or undefined. */
  seq(node: unknown): YAMLSeq | undefined {
    const n = this.deref(node);
    return isSeq(n) ? n : undefined;
  }

  /** The scalar a node is (after aliases), or undefined. */
  scalar(node: unknown): Scalar | undefined {
    const n = this.deref(node);
    return isScalar(n) ? n : undefined;
  }

  /** A map's effective pairs: its own, then those merged in by `<<` (own keys win, earlier merges win). */
  pairs(node: unknown, depth = 0): Pair[] {
    const map = this.map(node);
    if (!map) return [];
    const cached = this.merged.get(map);
    if (cached) return cached;
    const own: Pair[] = [];
    const merges: unknown[] = [];
    for (const p of map.items) {
      if (!isPair(p)) continue;
      if (isMergeKey(p.key)) {
        const v = this.deref(p.value);
        if (isSeq(v)) merges.push(...v.items);
        else merges.push(v);
      } else own.push(p as Pair);
    }
    let out = own;
    if (merges.length && depth < 16) {
      const seen = new Set(own.map(keyName));
      out = [...own];
      for (const m of merges) {
        for (const p of this.pairs(m, depth + 1)) {
          const k = keyName(p);
          if (seen.has(k)) continue;
          seen.add(k);
          out.push(p);
        }
      }
    }
    this.merged.set(map, out);
    return out;
  }

  /** The pair for `key` in a map (own or merged). */
  pair(node: unknown, key: string): Pair | undefined {
    return this.pairs(node).find((p) => keyName(p) === key);
  }

  /** The value node for `key` in a map, aliases followed. */
  get(node: unknown, key: string): Node | undefined {
    const p = this.pair(node, key);
    return p ? this.deref(p.value) : undefined;
  }

  /** The value at a path of keys and indices, aliases and merges followed. */
  at(path: readonly (string | number)[], from: unknown = this.doc.contents): Node | undefined {
    let n = this.deref(from);
    for (const seg of path) {
      if (n === undefined) return undefined;
      if (typeof seg === 'number') n = this.deref(this.seq(n)?.items[seg]);
      else n = this.get(n, seg);
    }
    return n;
  }

  /** The items of a sequence node, aliases followed. */
  items(node: unknown): Node[] {
    const s = this.seq(node);
    return s ? (s.items.map((i) => this.deref(i)).filter((i) => i !== undefined) as Node[]) : [];
  }

  /** A scalar's JS value (string, number, boolean, null), or undefined for collections. */
  value(node: unknown): unknown {
    const s = this.scalar(node);
    return s ? s.value : undefined;
  }

  /** Convert a node to plain JS with the alias budget; undefined when it is an alias bomb or has a dangling alias. */
  toJS(node: unknown): unknown {
    return this.tryToJS(node).value;
  }

  /** Like `toJS`, with the reason when it fails. */
  tryToJS(node: unknown): { value: unknown; error?: 'bomb' | 'unresolved' } {
    const n = isAlias(node) ? node : this.deref(node);
    if (!n) return { value: undefined };
    try {
      return { value: n.toJS(this.doc, { maxAliasCount: MAX_ALIAS_EXPANSION }) };
    } catch (e) {
      return { value: undefined, error: /unresolved alias/i.test(String((e as Error)?.message)) ? 'unresolved' : 'bomb' };
    }
  }
}

/** The [start, end) offsets of a node's value, or undefined when the parser gave none. */
export function nodeSpan(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}
