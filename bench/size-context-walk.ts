// The context-size walk of a 50,000-file build context with a .dockerignore, against baselines
// taken in the same run, interleaved round by round: GNU find listing and sizing every file
// (`find -printf ... | wc -c`, what one C process pays to stat the whole tree) and a plain recursive
// readdir from Node (no stat at all). Also the walk with a `!` pattern that stops pruning, the
// portable walk, and what a hint request pays once the index is cached.
// Run: node --import tsx bench/size-context-walk.ts   (the tree is kept in the temp directory;
// --fresh rebuilds it)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextBytes } from '../server/src/analysis/size/context-bytes';
import { ContextCache } from '../server/src/size/context-cache';
import { walkContext } from '../server/src/size/context-walk';
import { median, ms } from './stats';

const N = 50_000;
const root = join(tmpdir(), `pier-size-ctx-bench-${N}`);
const ignoreText = 'node_modules\ndist\n**/*.map\n.git\n';
const withNegation = ignoreText + '!dist/chunk1/**\n';

function makeTree(): void {
  if (existsSync(join(root, '.complete')) && !process.argv.includes('--fresh')) return;
  rmSync(root, { recursive: true, force: true });
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
  writeFileSync(join(root, '.dockerignore'), ignoreText);
  writeFileSync(join(root, '.complete'), '');
}

/** CPU milliseconds this process and its reaped children (find, sh) used so far: steadier than wall time on a loaded machine. */
function cpuMs(): number {
  const own = process.cpuUsage();
  // /proc/self/stat fields 16 and 17: children's user and system time in clock ticks (100 Hz).
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (own.user + own.system) / 1000 + (Number(f[13]) + Number(f[14])) * 10;
}

const cpu: Record<string, number[]> = {};

async function time<T>(name: string, fn: () => Promise<T> | T): Promise<[number, T]> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const r = await fn();
  const wall = performance.now() - t0;
  (cpu[name] ??= []).push(cpuMs() - c0);
  return [wall, r];
}

async function main(): Promise<void> {
  makeTree();
  const rounds = 7;
  const t = { find: [] as number[], readdir: [] as number[], walk: [] as number[], neg: [] as number[], portable: [] as number[], none: [] as number[] };
  let kept = 0;
  let keptNeg = 0;
  let onDisk = 0;
  const load0 = loadavg()[0];
  for (let r = 0; r < rounds; r++) {
    const [tf] = await time('find', () => execFileSync('sh', ['-c', `find . -mindepth 1 -printf '%y %s %P\\0' | wc -c`], { cwd: root }));
    t.find.push(tf);
    const [tr, n] = await time('readdir', () => {
      let count = 0;
      const stack = [root];
      while (stack.length) {
        const d = stack.pop()!;
        for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) stack.push(join(d, e.name));
        else count++;
      }
      return count;
    });
    t.readdir.push(tr);
    onDisk = n;
    const [tw, idx] = await time('walk', () => walkContext(root, ignoreText));
    t.walk.push(tw);
    kept = idx.files.length;
    const [tn, idxNeg] = await time('neg', () => walkContext(root, withNegation));
    t.neg.push(tn);
    keptNeg = idxNeg.files.length;
    t.portable.push((await time('portable', () => walkContext(root, ignoreText, { portable: true })))[0]);
    t.none.push((await time('none', () => walkContext(root, null)))[0]);
  }
  // Cached: a hint request after the walk reads the index; COPY sources are memoised on it.
  const cache = new ContextCache();
  cache.watched = true;
  await cache.ready(root, ignoreText);
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const idx = cache.get(root, ignoreText);
    if ('files' in idx) contextBytes(idx, ['.', 'src/pkg1', 'src/*/mod3']);
  }
  const perHint = (performance.now() - t0) / 1000;
  // A burst of file events under the ignored node_modules (an install) starts no walk.
  for (let i = 0; i < 1000; i++) cache.changed(join(root, `node_modules/dep${i % 300}/lib/new${i}.js`));
  cache.get(root, ignoreText);
  const load1 = loadavg()[0];
  const w = median(t.walk);
  const c = (k: string) => median(cpu[k]);
  const out = [
    `context: ${onDisk} files on disk, ${kept} kept with .dockerignore (${keptNeg} with a ! pattern); medians of ${rounds} interleaved rounds; load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`,
    `baseline find -printf '%y %s %P' | wc (stats all ${onDisk}): ${ms(median(t.find))}`,
    `baseline recursive readdir from Node (no stat):      ${ms(median(t.readdir))}`,
    `walk with .dockerignore:                             ${ms(w)}  (target < 500 ms; ${(w / median(t.find)).toFixed(2)}x find, ${(w / median(t.readdir)).toFixed(2)}x readdir)`,
    `walk with .dockerignore + !dist/chunk1/**:           ${ms(median(t.neg))}  (${(median(t.neg) / median(t.find)).toFixed(2)}x find)`,
    `portable walk (no find) with .dockerignore:          ${ms(median(t.portable))}  (${(median(t.portable) / median(t.find)).toFixed(2)}x find)`,
    `walk without .dockerignore (every file):             ${ms(median(t.none))}  (${(median(t.none) / median(t.find)).toFixed(2)}x find)`,
    `CPU (this process + find), medians: find ${ms(c('find'))}, readdir ${ms(c('readdir'))}, walk ${ms(c('walk'))} (${(c('walk') / c('find')).toFixed(2)}x find), with ! ${ms(c('neg'))}, portable ${ms(c('portable'))}, no .dockerignore ${ms(c('none'))}`,
    `cached index + 3 COPY sources, per hint request: ${ms(perHint)}; walks after 1000 reads and 1000 events in node_modules: ${cache.walks}`,
  ];
  process.stdout.write(out.join('\n') + '\n');
}
void main();
