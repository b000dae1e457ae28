// Which layer a legacy save archive's `<v1 id>/` directory holds, learnt from its `json` entry,
// which comes before its `layer.tar`. Docker (before 25) names each layer directory by a v1 image
// ID: the sha256 of that `json` document as it was before the ID and the parent were written into
// it, with the layer's chain ID added as `layer_id` and the parent's full digest as `parent`, keys
// sorted. Redoing that for each of the image's chain IDs finds the one whose digest is the
// directory name; a match is a proof, so any other engine's layout simply matches nothing and the
// filter falls back to hashing the layer itself.

import { createHash } from 'node:crypto';

/** Split a JSON object's text into its top-level keys and their values' text, as written. */
export function topLevelMembers(text: string): [string, string][] | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  const value = () => {
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        str();
        if (depth === 0) break;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && (c === ',' || ' \t\r\n'.includes(c))) break;
      i++;
    }
    return text.slice(start, i);
  };
  ws();
  if (text[i++] !== '{') return undefined;
  const out: [string, string][] = [];
  ws();
  if (text[i] === '}') return out;
  while (i < text.length) {
    ws();
    if (text[i] !== '"') return undefined;
    const key = str();
    ws();
    if (text[i++] !== ':') return undefined;
    ws();
    out.push([key, value()]);
    ws();
    if (text[i] === ',') i++;
    else if (text[i] === '}') return out;
    else return undefined;
  }
  return undefined;
}

/**
 * The index in `chainIds` of the layer a legacy `<v1Hex>/json` document belongs to, or undefined
 * when no chain ID gives `v1Hex`.
 */
export function layerOfV1Json(v1Hex: string, json: string, chainIds: readonly string[]): number | undefined {
  const members = topLevelMembers(json);
  if (!members) return undefined;
  const base = new Map(members.filter(([k]) => k !== '"id"'));
  const parent = base.get('"parent"');
  if (parent) base.set('"parent"', parent.replace(/^"(?!sha256:)/, '"sha256:'));
  // The OS is written in after the ID is made for the lower layers, and is part of it for the top.
  const variants = [base, new Map([...base].filter(([k]) => k !== '"os"'))];
  for (let i = 0; i < chainIds.length; i++) {
    for (const v of variants) {
      const m = new Map(v).set('"layer_id"', JSON.stringify(chainIds[i]));
      const text = `{${[...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, val]) => `${k}:${val}`).join(',')}}`;
      if (createHash('sha256').update(text).digest('hex') === v1Hex) return i;
    }
  }
  return undefined;
}
