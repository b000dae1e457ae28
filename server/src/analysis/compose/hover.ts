// Hover for Compose files: the schema's description of the key under the cursor (with its
// types and allowed values), and the value a `${VAR}` takes from `.env`. Pure.

import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { LineIndex } from '../engine/text';
import type { Position, Range } from '../engine/types';
import { interpolate, parseDotenv } from './interpolation';
import { describe, enumValues, schemasAt, typesOf } from './schema-nav';
import { keyName, nodeSpan, parseYaml, YamlReader } from './yaml-doc';

/** Hover content: Markdown and the range it describes. */
export interface ComposeHover {
  markdown: string;
  range: Range;
}

const TOP_NAMES: Record<string, string> = { services: 'Service', networks: 'Network', volumes: 'Volume', secrets: 'Secret', configs: 'Config', models: 'Model' };

/** Hover at a position; `dotenv` (the `.env` text) lets variables show their values. */
export function composeHover(text: string, pos: Position, dotenv?: string | null): ComposeHover | undefined {
  const lines = new LineIndex(text);
  const offset = lines.offsetAt(pos);
  const y = new YamlReader(parseYaml(text));
  const hit = locate(y, y.doc.contents, offset, []);
  if (!hit) return undefined;
  const range = lines.range(hit.span[0], hit.span[1]);
  if (hit.on === 'value') {
    const v = variableAt(hit.text, offset - hit.span[0] - hit.quote, dotenv);
    if (v) return { markdown: v, range };
  }
  const path = hit.path;
  if (path.length === 2 && typeof path[1] === 'string' && TOP_NAMES[String(path[0])] && hit.on === 'key') {
    return { markdown: `**${TOP_NAMES[String(path[0])]} \`${path[1]}\`**`, range };
  }
  const schemas = schemasAt(path);
  const desc = describe(schemas);
  if (!desc && !schemas.length) return undefined;
  const name = [...path].reverse().find((p) => typeof p === 'string') ?? '';
  const parts = [`**${name}**${typesOf(schemas).length ? ` · ${typesOf(schemas).join(' | ')}` : ''}`];
  if (desc) parts.push(desc);
  const en = enumValues(schemas);
  if (en.length) parts.push(`Allowed: ${en.map((e) => `\`${e}\``).join(', ')}`);
  return { markdown: parts.join('\n\n'), range };
}

interface Hit {
  path: (string | number)[];
  on: 'key' | 'value';
  span: [number, number];
  text: string;
  quote: number;
}

function locate(y: YamlReader, node: Node | null | undefined, offset: number, path: (string | number)[], depth = 0): Hit | undefined {
  if (!node || depth > 64) return undefined;
  if (isMap(node)) {
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const ks = nodeSpan(p.key);
      const name = keyName(p);
      if (ks && name !== undefined && offset >= ks[0] && offset <= ks[1]) return { path: [...path, name], on: 'key', span: ks, text: name, quote: 0 };
      const vs = nodeSpan(p.value);
      if (vs && name !== undefined && offset >= vs[0] && offset <= vs[1]) return locate(y, p.value as Node, offset, [...path, name], depth + 1);
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const s = nodeSpan(node.items[i]);
      if (s && offset >= s[0] && offset <= s[1]) return locate(y, node.items[i] as Node, offset, [...path, i], depth + 1);
    }
    return undefined;
  }
  if (isScalar(node) && typeof node.value === 'string') {
    const s = nodeSpan(node)!;
    return { path, on: 'value', span: s, text: node.value, quote: node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0 };
  }
  const s = nodeSpan(node);
  return s ? { path, on: 'value', span: s, text: '', quote: 0 } : undefined;
}

/** Describe the `${VAR...}` or `$VAR` around an offset inside a value. */
function variableAt(value: string, at: number, dotenv: string | null | undefined): string | undefined {
  const re = /\$\{([_a-zA-Z][_a-zA-Z0-9]*)[^}]*\}|\$([_a-zA-Z][_a-zA-Z0-9]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    if (at < m.index || at > m.index + m[0].length) continue;
    if (m.index > 0 && value[m.index - 1] === '$') continue;
    const name = m[1] ?? m[2];
    const vars = dotenv === undefined ? undefined : parseDotenv(dotenv ?? '');
    const r = interpolate(m[0], vars);
    if (vars?.has(name)) return `\`${name}\` = \`${vars.get(name)}\` (from .env)${m[0] !== `$${name}` && r.value !== vars.get(name) ? `, so \`${m[0]}\` is \`${r.value}\`` : ''}`;
    const fallback = r.defaulted.length ? `; when unset this is \`${r.value}\`` : '';
    return `\`${name}\` is not set in ${vars ? '.env' : 'a known .env'}: its value comes from the environment \`docker compose\` runs in${fallback}.`;
  }
  return undefined;
}
