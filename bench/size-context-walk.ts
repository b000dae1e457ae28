// The context-size walk of a 50,000-file build context with a .dockerignore, against a plain
// recursive readdir of the same tree (the file system's own cost) in the same run.
// Run: node --import tsx bench/size-context-walk.ts
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextBytes } from '../server/src/analysis/size/context-bytes';
import { ContextCache } from '../server/src/size/context-cache';
import { walkContext } from '../server/src/size/context-walk';
import { median, ms } from './stats';

const root = mkdtempSync(join(tmpdir(), 'pier-ctx-bench-'));
const N = 50_000;
async function main(): Promise<void> {
try {
  // 50,000 files: sources, a node_modules tree and build output that .dockerignore excludes.
  const made = new Set<string>();
  for (let i = 0; i < N; i++) {
    const top = i < 30_000 ? `src/pkg${i % 100}/mod${i % 7}` : i < 45_000 ? `node_modules/dep${i % 300}/lib` : `dist/chunk${i % 40}`;
    const dir = join(root, top);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(join(dir, `f${i}.js`), 'x'.repeat(i % 200));
  }
  writeFileSync(join(root, '.dockerignore'), 'node_modules\ndist\n**/*.map\n.git\n');
  const ignoreText = 'node_modules\ndist\n**/*.map\n.git\n';
  const baseline: number[] = [];
  const walk: number[] = [];
  const walkNoIgnore: number[] = [];
  let files = 0;
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    let n = 0;
    const stack = [root];
    while (stack.length) {
      const d = stack.pop()!;
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) stack.push(join(d, e.name)); else n++;
    }
    baseline.push(performance.now() - t0);
    t0 = performance.now();
    const idx = await walkContext(root, ignoreText);
    walk.push(performance.now() - t0);
    files = idx.files.length;
    t0 = performance.now();
    await walkContext(root, null);
    walkNoIgnore.push(performance.now() - t0);
    if (r === 0) process.stdout.write(`context: ${n} files on disk, ${idx.files.length} kept, ${idx.ignoredFiles} ignored files counted (excluded directories skipped whole)\n`);
  }
  // Cached: a hint request after the walk reads the index; COPY sources are memoised on it.
  const cache = new ContextCache();
  await cache.ready(root, ignoreText);
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const idx = cache.get(root, ignoreText);
    if ('files' in idx) contextBytes(idx, ['.', 'src/pkg1', 'src/*/mod3']);
  }
  const perHint = (performance.now() - t0) / 1000;
  process.stdout.write(`readdir only (baseline):            median ${ms(median(baseline))}\n`);
  process.stdout.write(`walk with .dockerignore (${files} kept): median ${ms(median(walk))}  (target < 500 ms; ${(median(walk) / median(baseline)).toFixed(2)}x readdir)\n`);
  process.stdout.write(`walk without .dockerignore:         median ${ms(median(walkNoIgnore))}\n`);
  process.stdout.write(`cached index + 3 COPY sources, per hint request: ${ms(perHint)} (walks: ${cache.walks})\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
}
void main();
