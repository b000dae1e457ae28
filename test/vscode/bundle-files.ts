// What the extension host reads when it loads dist/extension.js: the file and every chunk it
// requires at load time, recursively. Chunks an `import()` brings in later are not followed
// (esbuild.mjs writes those as a require() inside a promise callback; see staticRequires).

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Files required at load time from `entry` (itself included) and their total bytes. */
export function loadedAtStart(entry: string): { files: string[]; bytes: number } {
  const files = walk(entry, staticRequires);
  let bytes = 0;
  for (const f of files) bytes += statSync(f).size;
  return { files, bytes };
}

/** `entry` and every file reached from it through the relative requires `next` finds in a file. */
function walk(entry: string, next: (text: string) => string[]): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of next(readFileSync(f, 'utf8'))) todo.push(resolve(dirname(f), m));
  }
  return [...seen];
}

/**
 * Relative require() calls a CommonJS file makes when loaded. esbuild writes a dynamic import
 * as `Promise.resolve().then(() => __toESM(require("./x.js")))`, so a require directly preceded
 * by `=>` or `__toESM(` inside such a callback is a lazy one; top-level ones are `= require(`.
 */
export function staticRequires(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(.{0,40})require\("(\.{1,2}\/[^"]+)"\)/g)) {
    if (/\.then\(\(\)\s*=>\s*(\w+\()?$/.test(m[1])) continue;
    out.push(m[2]);
  }
  return out;
}

/** Every file `entry` can load, at load time or later (all relative requires, recursively). */
export function reachableFrom(entry: string): string[] {
  return walk(entry, (text) => [...text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => m[1]));
}
