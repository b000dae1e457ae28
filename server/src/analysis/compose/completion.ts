// Completion for Compose files from the schema: the keys allowed at the cursor's path (minus
// those already there) and the values a key takes (enums, booleans, and a few well-known
// values the schema leaves as free strings). Pure: the server turns these into LSP items.

import type { Position, Range } from '../engine/types';
import { describe, enumValues, propertiesOf, schemasAt, typesOf, type JsonSchema } from './schema-nav';
import { cursorContext } from './yaml-path';
import { keyName, parseYaml, YamlReader } from './yaml-doc';

/** One suggestion. */
export interface ComposeCompletion {
  label: string;
  kind: 'property' | 'value';
  /** Text that replaces `range`. */
  insertText: string;
  range: Range;
  /** The types the schema allows, for a key; where the value comes from, for a value. */
  detail?: string;
  documentation?: string;
  deprecated?: boolean;
}

// Values Compose accepts that the schema only types as strings.
const VALUE_HINTS: Record<string, string[]> = {
  restart: ['unless-stopped', 'always', 'on-failure', 'no'],
  network_mode: ['bridge', 'host', 'none'],
  driver: ['json-file', 'local', 'journald', 'syslog', 'none'],
  pull_policy: ['always', 'never', 'missing', 'build', 'daily', 'weekly'],
  platform: ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/amd64'],
  protocol: ['tcp', 'udp'],
  mode: ['host', 'ingress'],
  propagation: ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'],
};
const ITEM_HINTS: Record<string, string[]> = {
  cap_add: ['NET_BIND_SERVICE', 'NET_RAW', 'SYS_RAWIO', 'SYS_TIME', 'NET_ADMIN', 'CHOWN', 'DAC_OVERRIDE', 'SETUID', 'SETGID', 'KILL'],
  cap_drop: ['ALL', 'NET_RAW', 'MKNOD', 'SYS_CHROOT', 'SETFCAP', 'AUDIT_WRITE'],
  security_opt: ['no-new-privileges:true', 'seccomp:', 'apparmor:'],
};

/** Suggestions at a position; empty when nothing fits (comments, user-defined names). */
export function composeCompletion(text: string, pos: Position): ComposeCompletion[] {
  const c = cursorContext(text, pos);
  if (!c) return [];
  const range: Range = { start: c.prefixStart, end: pos };
  if (c.mode === 'value' && c.key !== undefined) {
    const schemas = schemasAt([...c.path, c.key]);
    return values(schemas, VALUE_HINTS[c.key] ?? [], range);
  }
  if (c.mode === 'item') {
    const items = schemasAt([...c.path, 0]);
    const last = c.path[c.path.length - 1];
    const props = propertiesOf(items);
    const vals = values(items, typeof last === 'string' ? (ITEM_HINTS[last] ?? []) : [], range);
    return props.length ? [...keys(props, [], range), ...vals] : vals;
  }
  // Names under services/networks/... are the user's own.
  if (c.path.length === 1 && ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'].includes(String(c.path[0]))) return [];
  const schemas = schemasAt(c.path);
  return keys(propertiesOf(schemas), existingKeys(text, c.path, pos), range);
}

function keys(props: ReturnType<typeof propertiesOf>, existing: string[], range: Range): ComposeCompletion[] {
  return props
    .filter((p) => !existing.includes(p.name))
    .map((p) => {
      const types = typesOf([p.schema]);
      const shapes = types.filter((t) => t !== 'null');
      const block = shapes.length > 0 && shapes.every((t) => t === 'object' || t === 'array');
      return {
        label: p.name,
        kind: 'property' as const,
        insertText: block ? `${p.name}:` : `${p.name}: `,
        range,
        detail: types.join(' | ') || undefined,
        documentation: p.description,
        deprecated: p.deprecated || undefined,
      };
    });
}

function values(schemas: JsonSchema[], hints: string[], range: Range): ComposeCompletion[] {
  const out = new Map<string, ComposeCompletion>();
  const doc = describe(schemas);
  for (const v of enumValues(schemas)) out.set(v, { label: v, kind: 'value', insertText: v, range, detail: 'Compose schema', documentation: doc });
  if (typesOf(schemas).includes('boolean')) for (const v of ['true', 'false']) out.set(v, { label: v, kind: 'value', insertText: v, range, detail: 'boolean', documentation: doc });
  for (const v of hints) if (!out.has(v)) out.set(v, { label: v, kind: 'value', insertText: v, range, detail: 'common value', documentation: doc });
  return [...out.values()];
}

/** Keys already present in the mapping at `path` (so they are not offered twice). */
function existingKeys(text: string, path: (string | number)[], pos: Position): string[] {
  try {
    const y = new YamlReader(parseYaml(text));
    const node = y.at(path);
    const lineKey = text.split(/\r\n|\r|\n/)[pos.line]?.trim().replace(/:.*$/, '');
    return y.pairs(node).map(keyName).filter((k): k is string => k !== undefined && k !== lineKey);
  } catch {
    return [];
  }
}
