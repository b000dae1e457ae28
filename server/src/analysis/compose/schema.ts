// Validating a Compose document against the Compose Specification's JSON schema with ajv, and
// turning ajv's errors into one readable message per problem at the offending key. The schema
// is compiled once per process, on first use.

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { composeSchema, propertiesOf, type JsonSchema } from './schema-nav';

/** A schema problem at a document path. */
export interface SchemaProblem {
  /** Keys and indices from the root to the value at fault. */
  path: (string | number)[];
  /** Where to point: the key of the value, or a child key that is not allowed. */
  at: { kind: 'key' | 'value'; path: (string | number)[] };
  message: string;
}

let compiled: ValidateFunction | undefined;
let compileMs: number | undefined;

/** The compiled validator (compiled on the first call, then reused). */
export function composeValidator(): ValidateFunction {
  if (!compiled) {
    const t0 = performance.now();
    // inlineRefs off and messages off halve the compile time (about 1 s on a small machine);
    // Pier writes its own messages from the error keywords anyway.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false, inlineRefs: false, messages: false });
    const { $schema: _ignored, ...schema } = composeSchema as JsonSchema & { $schema?: string };
    compiled = ajv.compile(schema);
    compileMs = performance.now() - t0;
  }
  return compiled;
}

/** How long compiling the schema took in this process (undefined before the first validation). */
export function schemaCompileMs(): number | undefined {
  return compileMs;
}

/** Validate plain data; returns readable problems, with oneOf/anyOf noise collapsed. */
export function validateCompose(data: unknown, isSeq: (path: (string | number)[]) => boolean): SchemaProblem[] {
  const validate = composeValidator();
  if (validate(data)) return [];
  return explain(validate.errors ?? [], isSeq);
}

/** Decode an ajv instancePath into keys and indices (indices only where the parent is a list). */
function decodePath(pointer: string, isSeq: (path: (string | number)[]) => boolean): (string | number)[] {
  const out: (string | number)[] = [];
  if (!pointer) return out;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out.push(/^\d+$/.test(seg) && isSeq(out) ? Number(seg) : seg);
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function explain(errors: ErrorObject[], isSeq: (path: (string | number)[]) => boolean): SchemaProblem[] {
  const paths = new Map<ErrorObject, string>();
  for (const e of errors) paths.set(e, e.instancePath);
  // A path has "substance" when some branch accepted its type and failed deeper: the type errors of
  // the other branches at that path are then noise.
  const substantive = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const p = e.instancePath;
    if (e.keyword !== 'type') substantive.add(p);
    // Any error strictly below a path gives every ancestor substance.
    for (let i = p.lastIndexOf('/'); i >= 0; i = p.lastIndexOf('/', i - 1)) {
      substantive.add(p.slice(0, i));
      if (i === 0) break;
    }
  }
  const typesAt = new Map<string, Set<string>>();
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem) => {
    const k = `${JSON.stringify(p.at)}|${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const e of errors) {
    const ptr = e.instancePath;
    if (e.keyword === 'type') {
      if (substantive.has(ptr)) continue;
      const set = typesAt.get(ptr) ?? new Set<string>();
      for (const t of String((e.params as { type: string }).type).split(',')) set.add(t);
      typesAt.set(ptr, set);
      continue;
    }
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      // Only a value that matched several branches is worth a message of its own.
      const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
      if (passing && passing.length > 1) {
        const path = decodePath(ptr, isSeq);
        push({ path, at: { kind: 'key', path }, message: `${display(path)} matches more than one of the forms Compose allows here.` });
      }
      continue;
    }
    const path = decodePath(ptr, isSeq);
    push(describeError(e, path));
  }
  for (const [ptr, types] of typesAt) {
    const path = decodePath(ptr, isSeq);
    const words = [...new Set([...types].map((t) => TYPE_WORDS[t] ?? t))];
    push({ path, at: { kind: 'key', path }, message: `${display(path)} must be ${orList(words)}.` });
  }
  return out;
}

function describeError(e: ErrorObject, path: (string | number)[]): SchemaProblem {
  const at = { kind: 'key' as const, path };
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return { path, at, message: `${display(path)} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}.` };
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const childPath = [...path, name];
      const parent = e.parentSchema as JsonSchema | undefined;
      const known = propertiesOf(parent ? [parent] : []).map((x) => x.name);
      if (!known.length) {
        const what = path.length === 1 && typeof path[0] === 'string' ? `${String(path[0]).replace(/s$/, '')} name` : 'name';
        return { path, at: { kind: 'key', path: childPath }, message: `\`${name}\` is not a valid ${what}: use letters, digits, \`.\`, \`_\` and \`-\`.` };
      }
      const where = path.length === 0 ? 'a top-level Compose key' : path.length === 2 && path[0] === 'services' ? 'a service property' : `allowed in ${display(path)}`;
      const guess = closest(name, known);
      return { path, at: { kind: 'key', path: childPath }, message: `\`${name}\` is not ${where}${guess ? `; did you mean \`${guess}\`?` : '.'}` };
    }
    case 'required':
      return { path, at, message: `${display(path)} is missing the required \`${String(p.missingProperty)}\`.` };
    case 'uniqueItems': {
      const later = Math.max(Number(p.i), Number(p.j));
      return { path, at: { kind: 'value', path: [...path, later] }, message: `${display(path)} lists the same item twice (items ${Math.min(Number(p.i), Number(p.j)) + 1} and ${later + 1}).` };
    }
    case 'pattern':
      return { path, at, message: `${display(path)} does not match the form Compose expects (\`${String(p.pattern)}\`).` };
    case 'minimum':
    case 'maximum':
      return { path, at, message: `${display(path)} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}.` };
    default:
      return { path, at, message: `${display(path)} is not valid here (schema keyword \`${e.keyword}\`).` };
  }
}

/** How a path reads in a message: the last key with its indices (`ports[0]`), or `service \`web\``. */
export function display(path: readonly (string | number)[]): string {
  if (!path.length) return 'The file';
  if (path.length === 2 && path[0] === 'services') return `Service \`${String(path[1])}\``;
  let i = path.length - 1;
  let suffix = '';
  while (i >= 0 && typeof path[i] === 'number') {
    suffix = `[${path[i]}]${suffix}`;
    i--;
  }
  return `\`${i >= 0 ? String(path[i]) : ''}${suffix}\``;
}

function orList(words: string[]): string {
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The known name closest to a misspelt one (edit distance at most 2, or a case change). */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0 : distance(name, k, bestD);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
