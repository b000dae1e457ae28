// Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
// `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
// Values come from the `.env` beside the file; anything else is unknown, because the shell
// that runs `docker compose` on the device may set it.

import { parse as parseDotenvText } from 'dotenv';

/** Variable values known to the analysis (from `.env`). */
export type Vars = ReadonlyMap<string, string>;

/** A syntax problem Compose rejects ("invalid interpolation format"). */
export interface InterpolationError {
  /** Offset into the interpolated text. */
  offset: number;
  length: number;
  message: string;
}

/** The result of interpolating one string. */
export interface Interpolated {
  /** The value with known variables substituted; unknown ones count as unset. */
  value: string;
  /** True when no variable of unknown value took part. */
  complete: boolean;
  /** Variables whose value is unknown. */
  unknown: string[];
  /** Unknown variables whose default was used in `value`. */
  defaulted: string[];
  errors: InterpolationError[];
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Interpolate `text`; `vars` undefined means every variable is unknown. Never throws. */
export function interpolate(text: string, vars: Vars | undefined): Interpolated {
  const out: Interpolated = { value: '', complete: true, unknown: [], defaulted: [], errors: [] };
  if (!text.includes('$')) {
    out.value = text;
    return out;
  }
  out.value = expand(text, 0, text.length, vars, out, 0);
  out.complete = out.unknown.length === 0;
  return out;
}

/** True when a string contains any interpolation (not just `$$`). */
export function hasVariables(text: string): boolean {
  return /\$(?!\$)/.test(text.replace(/\$\$/g, ''));
}

function expand(text: string, from: number, to: number, vars: Vars | undefined, out: Interpolated, depth: number): string {
  let s = '';
  let i = from;
  while (i < to) {
    const d = text.indexOf('$', i);
    if (d < 0 || d >= to) {
      s += text.slice(i, to);
      break;
    }
    s += text.slice(i, d);
    const next = text[d + 1];
    if (next === '$') {
      s += '$';
      i = d + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, d + 2, to);
      const m = NAME.exec(text.slice(d + 2, to));
      if (close < 0 || !m) {
        out.errors.push({ offset: d, length: (close < 0 ? to : close + 1) - d, message: close < 0 ? 'Unclosed `${`: Compose rejects this interpolation.' : 'Invalid variable name in `${...}`: it must start with a letter or `_`.' });
        s += text.slice(d, close < 0 ? to : close + 1);
        i = close < 0 ? to : close + 1;
        continue;
      }
      const name = m[0];
      const afterName = d + 2 + name.length;
      const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(text.slice(afterName, close))?.[0];
      if (!op && afterName !== close) {
        out.errors.push({ offset: d, length: close + 1 - d, message: `Invalid interpolation \`${text.slice(d, close + 1)}\`: after the name Compose expects \`}\`, \`:-\`, \`-\`, \`:?\`, \`?\`, \`:+\` or \`+\`.` });
        s += text.slice(d, close + 1);
        i = close + 1;
        continue;
      }
      const argFrom = afterName + (op?.length ?? 0);
      s += substitute(name, op, text, argFrom, close, vars, out, depth);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(text.slice(d + 1, to));
    if (m) {
      s += lookup(m[0], vars, out) ?? '';
      i = d + 1 + m[0].length;
      continue;
    }
    out.errors.push({ offset: d, length: 1, message: 'A `$` must start a variable (`$NAME`, `${NAME}`); write `$$` for a literal dollar sign.' });
    s += '$';
    i = d + 1;
  }
  return s;
}

function substitute(name: string, op: string | undefined, text: string, argFrom: number, argTo: number, vars: Vars | undefined, out: Interpolated, depth: number): string {
  const val = lookup(name, vars, out);
  const arg = () => (depth > 16 ? text.slice(argFrom, argTo) : expand(text, argFrom, argTo, vars, out, depth + 1));
  switch (op) {
    case undefined:
      return val ?? '';
    case ':-':
    case '-': {
      const useDefault = val === undefined || (op === ':-' && val === '');
      if (!useDefault) return val;
      if (val === undefined && vars?.has(name) !== true) out.defaulted.push(name);
      return arg();
    }
    case ':+':
    case '+': {
      const set = val !== undefined && (op === '+' || val !== '');
      const a = arg();
      return set ? a : '';
    }
    default:
      // `:?` and `?` stop Compose when the variable is missing; the message is not part of the value.
      arg();
      return val ?? '';
  }
}

function lookup(name: string, vars: Vars | undefined, out: Interpolated): string | undefined {
  const v = vars?.get(name);
  if (v === undefined && !out.unknown.includes(name)) out.unknown.push(name);
  return v;
}

/** The index of the `}` closing a `${` whose body starts at `from`, honouring nesting; -1 if none. */
function matchingBrace(text: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Parse a `.env` file into variables; later lines may use earlier ones, as Compose allows. */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  let parsed: Record<string, string>;
  try {
    parsed = parseDotenvText(text);
  } catch {
    return vars;
  }
  // Single-quoted values are literal in Compose; dotenv drops the quotes, so find them again.
  const literal = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*'/.exec(line);
    if (m) literal.add(m[1]);
  }
  for (const [k, v] of Object.entries(parsed)) {
    vars.set(k, literal.has(k) ? v : interpolate(v, vars).value);
  }
  return vars;
}
