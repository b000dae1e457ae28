// Bytes that COPY/ADD sources take from the build context, read from an index of the context's
// files (after .dockerignore) that the caller walked beforehand. Sources follow the builder's
// rules: relative to the context root even when written with a leading `/`, directories copy
// what is inside them, and wildcards match path components as Go's filepath.Match does.

import type { ContextIndex } from './types';

/** Bytes and file count a set of sources selects; `missing` lists sources that match nothing. */
export interface ContextSelection {
  bytes: number;
  files: number;
  missing: string[];
}

/** Clean a COPY source the way the builder does: no leading `/` or `./`, `..` clipped at the root. */
export function cleanSource(src: string): string {
  const out: string[] = [];
  for (const part of src.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const WILDCARD = /[*?[]/;

/** A regular expression for one filepath.Match pattern over a whole relative path. */
function patternRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i];
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** First index in the sorted file list whose path is >= key. */
function lowerBound(index: ContextIndex, key: string): number {
  let lo = 0;
  let hi = index.files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.files[mid].path < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bytes and files one cleaned source selects (memoised on the index). */
function selectOne(index: ContextIndex, src: string): { bytes: number; files: number } {
  const hit = index.memo?.get(src);
  if (hit) return hit;
  let bytes = 0;
  let files = 0;
  if (src === '') {
    bytes = index.totalBytes;
    files = index.files.length;
  } else if (!WILDCARD.test(src)) {
    const exact = lowerBound(index, src);
    if (index.files[exact]?.path === src) {
      bytes = index.files[exact].size;
      files = 1;
    } else {
      const prefix = src + '/';
      for (let i = lowerBound(index, prefix); i < index.files.length && index.files[i].path.startsWith(prefix); i++) {
        bytes += index.files[i].size;
        files++;
      }
    }
  } else {
    // A wildcard matches a file, or a directory whose files all come along.
    const depth = src.split('/').length;
    const re = patternRegex(src);
    for (const f of index.files) {
      let cut = -1;
      for (let d = 0; d < depth; d++) {
        cut = f.path.indexOf('/', cut + 1);
        if (cut < 0) break;
      }
      const head = cut < 0 ? f.path : f.path.slice(0, cut);
      if (head.split('/').length === depth && re.test(head)) {
        bytes += f.size;
        files++;
      }
    }
  }
  const r = { bytes, files };
  (index.memo ??= new Map()).set(src, r);
  return r;
}

/** Bytes the sources of one COPY/ADD take from the context; a source that matches nothing is listed in `missing`. */
export function contextBytes(index: ContextIndex, sources: readonly string[]): ContextSelection {
  let bytes = 0;
  let files = 0;
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const raw of sources) {
    const src = cleanSource(raw);
    if (seen.has(src)) continue;
    seen.add(src);
    const r = selectOne(index, src);
    if (!r.files) missing.push(raw);
    bytes += r.bytes;
    files += r.files;
  }
  return { bytes, files, missing };
}
