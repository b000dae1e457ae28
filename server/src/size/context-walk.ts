// The build context as the builder sends it: every file under the context directory that
// .dockerignore keeps, with its size. The walk reads directories synchronously in slices and
// yields to the event loop between them, so the language server keeps answering while a large
// context is read; an excluded directory is skipped whole unless a `!` pattern could bring
// something inside it back, as the builder does.

import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextFile, ContextIndex } from '../analysis/size/types';
import { compileDockerignore } from './dockerignore-match';

/** Options of a context walk. */
export interface WalkOptions {
  /** Stop (and fail) past this many files (default 1,000,000). */
  maxFiles?: number;
  /** Time slice before yielding to the event loop (default 10 ms); 0 never yields. */
  sliceMs?: number;
  signal?: AbortSignal;
}

/** A context too large or unreadable to measure, with a one-line reason. */
export class ContextWalkError extends Error {
  override name = 'ContextWalkError';
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** The portable walk: readdir and stat from Node, in slices. */
async function walkWithNode(root: string, ignoreText: string | null, o: WalkOptions = {}): Promise<ContextIndex> {
  const ig = compileDockerignore(ignoreText);
  const negations = ig.negations;
  const maxFiles = o.maxFiles ?? 1_000_000;
  const slice = o.sliceMs ?? 10;
  const files: ContextFile[] = [];
  let totalBytes = 0;
  let ignoredFiles = 0;
  const stack: string[] = [''];
  let sliceStart = performance.now();
  while (stack.length) {
    if (o.signal?.aborted) throw new ContextWalkError('cancelled');
    if (slice > 0 && performance.now() - sliceStart > slice) {
      await yieldNow();
      sliceStart = performance.now();
    }
    const rel = stack.pop()!;
    const abs = rel ? join(root, rel) : root;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if (!rel) throw new ContextWalkError(`cannot read the build context ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    for (const d of entries) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        // An excluded directory is skipped whole unless a `!` pattern may bring back part of it.
        if (!(ig.ignores(path) && !negations)) stack.push(path);
        continue;
      }
      if (ig.ignores(path)) {
        ignoredFiles++;
        continue;
      }
      let size = 0;
      if (d.isFile()) {
        try {
          size = statSync(join(abs, d.name), { bigint: false }).size;
        } catch {
          continue;
        }
      }
      files.push({ path, size });
      totalBytes += size;
      if (files.length > maxFiles) throw new ContextWalkError(`the build context has more than ${maxFiles} files`);
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, files, totalBytes, ignoredFiles };
}

/**
 * List with GNU find (one process stats every file, several times faster than a stat per file
 * from Node), filtering with .dockerignore as entries stream in. Resolves undefined when find is
 * missing or not GNU find, so the caller falls back to the portable walk.
 */
function walkWithFind(root: string, ignoreText: string | null, o: WalkOptions): Promise<ContextIndex | undefined> {
  return new Promise((resolve, reject) => {
    const ig = compileDockerignore(ignoreText);
    const maxFiles = o.maxFiles ?? 1_000_000;
    const files: ContextFile[] = [];
    let totalBytes = 0;
    let ignoredFiles = 0;
    let pruned: string | undefined;
    let rest = '';
    let failed = false;
    const child = spawn('find', [root, '-mindepth', '1', '-printf', '%y %s %P\\0'], { stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8').slice(0, 2000)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\0');
      rest = parts.pop() ?? '';
      for (const rec of parts) {
        const a = rec.indexOf(' ');
        const b = rec.indexOf(' ', a + 1);
        const type = rec.slice(0, a);
        const path = rec.slice(b + 1);
        // find lists a directory's contents right after it, so one pruned prefix at a time suffices.
        if (pruned !== undefined && path.startsWith(pruned)) continue;
        pruned = undefined;
        if (type === 'd') {
          if (ig.ignores(path) && !ig.negations) pruned = path + '/';
          continue;
        }
        if (ig.ignores(path)) {
          ignoredFiles++;
          continue;
        }
        const size = type === 'f' ? Number(rec.slice(a + 1, b)) : 0;
        files.push({ path, size });
        totalBytes += size;
        if (files.length > maxFiles && !failed) {
          failed = true;
          child.kill('SIGKILL');
          reject(new ContextWalkError(`the build context has more than ${maxFiles} files`));
        }
      }
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (failed) return;
      if (o.signal?.aborted) return reject(new ContextWalkError('cancelled'));
      if (code !== 0) {
        // Not GNU find (no -printf), or an unreadable root: let the portable walk decide.
        if (/printf|unknown|illegal/i.test(stderr) || !files.length) return resolve(undefined);
      }
      files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
      resolve({ root, files, totalBytes, ignoredFiles });
    });
  });
}

/** Walk `root`, applying .dockerignore text (null: none); the Dockerfile and .dockerignore are kept as the builder keeps them. */
export async function walkContext(root: string, ignoreText: string | null, o: WalkOptions = {}): Promise<ContextIndex> {
  if (process.platform !== 'win32') {
    const viaFind = await walkWithFind(root, ignoreText, o);
    if (viaFind) return viaFind;
  }
  return walkWithNode(root, ignoreText, o);
}
