// A compiled .dockerignore matcher for the context walk's hot loop, with BuildKit's semantics
// (moby/patternmatcher): each pattern is a regexp over the whole context-relative path, a path
// also matches when one of its leading directories matches, the last matching pattern wins and
// `!` re-includes. The walk asks it two more questions so it can skip work without changing the
// answer: may a `!` pattern match anything below an ignored directory (if not, the directory is
// skipped whole), and which exclude patterns can GNU find prune by itself.

import { posix } from 'node:path';

interface Pattern {
  /** The cleaned pattern text. */
  text: string;
  /** Regexp source without anchors. */
  body: string;
  re: RegExp;
  negative: boolean;
  /** One regexp per `/`-separated segment, up to the first segment holding `**`; undefined for patterns with classes or escapes. */
  segments?: RegExp[];
  /** True when a segment holds `**` (the pattern then spans any number of segments). */
  deep: boolean;
}

function toRegExpBody(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += pattern[i + 1] === undefined ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '.' || ch === '$' || ch === '+' || ch === '(' || ch === ')' || ch === '{' || ch === '}' || ch === '|' || ch === '^') re += '\\' + ch;
    else if (ch === '\\') {
      if (pattern[i + 1] !== undefined) re += '\\' + pattern[++i];
      else re += '\\\\';
    } else re += ch;
  }
  return re;
}

function clean(p: string): string {
  const c = posix.normalize(p);
  return c === './' ? '.' : c.replace(/\/+$/, '') || '/';
}

/** Per-segment regexps for patterns simple enough to compare segment by segment. */
function segmentsOf(text: string): { segments?: RegExp[]; deep: boolean } {
  const deep = text.includes('**');
  if (/[[\\]/.test(text)) return { deep };
  const segments: RegExp[] = [];
  for (const s of text.split('/')) {
    if (s.includes('**')) break;
    segments.push(new RegExp(`^${toRegExpBody(s)}$`));
  }
  return { segments, deep };
}

/** True when some path could match both segment lists' leading segments (conservative: true when unsure). */
function segmentsMeet(a: Pattern, b: Pattern): boolean {
  if (!a.segments || !b.segments) return true;
  const n = Math.min(a.segments.length, b.segments.length);
  const at = a.text.split('/');
  const bt = b.text.split('/');
  for (let i = 0; i < n; i++) {
    const x = at[i];
    const y = bt[i];
    const xLiteral = !/[*?]/.test(x);
    const yLiteral = !/[*?]/.test(y);
    if (xLiteral && yLiteral && x !== y) return false;
    if (xLiteral && !yLiteral && !b.segments[i].test(x)) return false;
    if (yLiteral && !xLiteral && !a.segments[i].test(y)) return false;
  }
  return true;
}

/** A compiled .dockerignore. */
export interface DockerignoreMatcher {
  /** True when the builder leaves `path` (context-relative, `/`-separated) out of the context. */
  ignores(path: string): boolean;
  /** True when the file has `!` patterns. */
  negations: boolean;
  /** Which patterns match directory `dir` or one of its leading directories, given the same for its parent (undefined at the root). */
  dirMask(dir: string, parent: Uint8Array | undefined): Uint8Array;
  /** `ignores(path)` for a path whose parent directory's mask is known: one regexp test per pattern. */
  ignoresIn(parent: Uint8Array | undefined, path: string): boolean;
  /** True when no `!` pattern can match a path below the directory `dir` (so an ignored `dir` can be skipped whole). */
  sealed(dir: string): boolean;
  /**
   * Exclude patterns as POSIX extended regexps over `./path`, for GNU find to prune directories
   * with: only those no `!` pattern can meet (a directory they match is ignored with everything
   * below it) and free of character classes and escapes.
   */
  prunableRegexps(): string[];
}

/** Compile .dockerignore text into a predicate over context-relative paths (`a/b.txt`). */
export function compileDockerignore(text: string | null): DockerignoreMatcher {
  const patterns: Pattern[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let negative = false;
    if (line.startsWith('!')) {
      negative = true;
      line = line.slice(1).trim();
    }
    if (!line) continue;
    line = clean(line);
    if (line.length > 1 && line.startsWith('/')) line = line.slice(1);
    line = clean(line);
    try {
      const body = toRegExpBody(line);
      patterns.push({ text: line, body, re: new RegExp(`^${body}$`), negative, ...segmentsOf(line) });
    } catch {
      // A pattern Go's regexp would reject: the builder fails on it; skip it here.
    }
  }
  const negatives = patterns.filter((p) => p.negative);
  const matches = (p: Pattern, path: string): boolean => {
    if (p.re.test(path)) return true;
    // A leading directory that matches takes its contents along.
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) if (p.re.test(path.slice(0, i))) return true;
    return false;
  };
  return {
    negations: negatives.length > 0,
    ignores(path: string): boolean {
      let matched = false;
      for (const p of patterns) {
        // A pattern that cannot change the outcome need not be tried (as the builder does).
        if (p.negative !== matched) continue;
        if (matches(p, path)) matched = !p.negative;
      }
      return matched;
    },
    dirMask(dir: string, parent: Uint8Array | undefined): Uint8Array {
      const mask = new Uint8Array(patterns.length);
      for (let i = 0; i < patterns.length; i++) mask[i] = parent?.[i] || patterns[i].re.test(dir) ? 1 : 0;
      return mask;
    },
    ignoresIn(parent: Uint8Array | undefined, path: string): boolean {
      let matched = false;
      for (let i = 0; i < patterns.length; i++) {
        const p = patterns[i];
        if (p.negative !== matched) continue;
        if (parent?.[i] || p.re.test(path)) matched = !p.negative;
      }
      return matched;
    },
    sealed(dir: string): boolean {
      if (!negatives.length) return true;
      const parts = dir.split('/');
      for (const n of negatives) {
        if (!n.segments) return false;
        // A pattern of fixed depth no deeper than `dir` matches nothing strictly below it by itself.
        if (!n.deep && n.segments.length <= parts.length) continue;
        let meets = true;
        for (let i = 0; i < Math.min(parts.length, n.segments.length); i++) {
          if (!n.segments[i].test(parts[i])) {
            meets = false;
            break;
          }
        }
        if (meets) return false;
      }
      return true;
    },
    prunableRegexps(): string[] {
      const out: string[] = [];
      for (const p of patterns) {
        if (p.negative || !p.segments) continue;
        if (negatives.some((n) => p.deep || n.deep || segmentsMeet(p, n))) continue;
        out.push(`\\./${p.body}`);
      }
      return out;
    },
  };
}
