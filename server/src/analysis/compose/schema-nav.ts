// Walking the Compose JSON schema by document path: which schemas apply at `services.web.deploy`,
// which keys they allow, their descriptions and enum values. Used by error messages, completion
// and hover.

import rawSchema from './schema/compose-spec.json';

/** A JSON schema object as the Compose schema writes them (loose on purpose). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  required?: string[];
  deprecated?: boolean;
  pattern?: string;
  default?: unknown;
}

/** The vendored Compose Specification schema. */
export const composeSchema = rawSchema as unknown as JsonSchema & { definitions: Record<string, JsonSchema> };

/** Follow `$ref`s within the schema (bounded, so a cycle cannot loop). */
export function deref(s: JsonSchema | undefined): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; i < 16 && cur?.$ref; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(cur.$ref);
    cur = m ? composeSchema.definitions[m[1]] : undefined;
  }
  return cur;
}

/** The concrete alternatives a schema allows (refs followed, oneOf/anyOf flattened). */
export function alternatives(s: JsonSchema | undefined, depth = 0): JsonSchema[] {
  const d = deref(s);
  if (!d || depth > 8) return [];
  const subs = [...(d.oneOf ?? []), ...(d.anyOf ?? [])];
  if (!subs.length) return [d];
  const out: JsonSchema[] = [];
  if (d.type || d.properties) out.push(d);
  for (const x of subs) out.push(...alternatives(x, depth + 1));
  return out;
}

/** The schemas that apply to a child (`key` of a mapping, or an item of a list). */
export function childSchemas(parents: JsonSchema[], seg: string | number): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const p of parents) {
    for (const a of alternatives(p)) {
      if (typeof seg === 'number') {
        if (a.items) out.push(a.items);
        continue;
      }
      const prop = a.properties?.[seg];
      if (prop) {
        out.push(prop);
        continue;
      }
      let matched = false;
      for (const [pat, ps] of Object.entries(a.patternProperties ?? {})) {
        if (safeTest(pat, seg)) {
          out.push(ps);
          matched = true;
          break;
        }
      }
      if (!matched && typeof a.additionalProperties === 'object') out.push(a.additionalProperties);
    }
  }
  return out;
}

/** The schemas at a document path from the root (`['services', 'web', 'ports', 0]`). */
export function schemasAt(path: readonly (string | number)[]): JsonSchema[] {
  let cur: JsonSchema[] = [composeSchema];
  for (const seg of path) {
    cur = childSchemas(cur, seg);
    if (!cur.length) break;
  }
  return cur;
}

/** A property a mapping may have, with its documentation. */
export interface SchemaProperty {
  name: string;
  schema: JsonSchema;
  description?: string;
  deprecated: boolean;
}

/** The named properties the schemas allow (extension `x-` keys aside). */
export function propertiesOf(schemas: JsonSchema[]): SchemaProperty[] {
  const seen = new Map<string, SchemaProperty>();
  for (const s of schemas) {
    for (const a of alternatives(s)) {
      for (const [name, ps] of Object.entries(a.properties ?? {})) {
        if (!seen.has(name)) seen.set(name, { name, schema: ps, description: describe([ps]), deprecated: ps.deprecated === true || deref(ps)?.deprecated === true });
      }
    }
  }
  return [...seen.values()];
}

/** The first description among the schemas (a `$ref`'s sibling description wins over the target's). */
export function describe(schemas: JsonSchema[]): string | undefined {
  for (const s of schemas) {
    if (s.description) return s.description;
    const d = deref(s);
    if (d?.description) return d.description;
  }
  return undefined;
}

/** Enum values allowed by the schemas. */
export function enumValues(schemas: JsonSchema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas) for (const a of alternatives(s)) for (const v of a.enum ?? []) out.add(String(v));
  return [...out];
}

/** JSON types the schemas allow. */
export function typesOf(schemas: JsonSchema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas) {
    for (const a of alternatives(s)) {
      const t = a.type ?? (a.properties ? 'object' : undefined);
      for (const x of Array.isArray(t) ? t : t ? [t] : []) out.add(x);
    }
  }
  return [...out];
}

const regexCache = new Map<string, RegExp | null>();
function safeTest(pattern: string, s: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re ? re.test(s) : false;
}
