// The build context as the builder sends it: every file under the context directory that
// .dockerignore keeps, with its size. GNU find lists and sizes the files in one process (a stat
// from C costs a fraction of one from Node), pruning the directories that simple exclude patterns
// drop whole; the matcher then decides every entry exactly, skipping a further ignored directory
// whole only when no `!` pattern can bring back anything inside it, as BuildKit does. Without GNU
// find a portable walk reads directories with their entry types and stats the kept files in
// parallel batches.

import { spawn } from 'node:child_process';
import { lstat, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextFile, ContextIndex } from '../analysis/size/types';
import { compileDockerignore, type DockerignoreMatcher } from './dockerignore-match';

/** Options of a context walk. */
export interface WalkOptions {
  /** Stop (and fail) past this many files (default 1,000,000). */
  maxFiles?: number;
  /** Time slice before yielding to the event loop (default 10 ms); 0 never yields. */
  sliceMs?: number;
  signal?: AbortSignal;
  /** Use the portable walk even where GNU find exists (tests compare both). */
  portable?: boolean;
}

/** A context too large or unreadable to measure, with a one-line reason. */
export class ContextWalkError extends Error {
  override name = 'ContextWalkError';
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));
const byPath = (x: ContextFile, y: ContextFile) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);

/** Stat regular files in parallel batches on libuv's pool; files gone meanwhile are dropped. */
function statAll(root: string, paths: string[], o: WalkOptions): Promise<ContextFile[]> {
  const sizes = new Array<number>(paths.length);
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const pump = () => {
      if (failed) return;
      if (o.signal?.aborted) {
        failed = true;
        return reject(new ContextWalkError('cancelled'));
      }
      if (next >= paths.length && active === 0) {
        const out: ContextFile[] = [];
        for (let i = 0; i < paths.length; i++) if (sizes[i] >= 0) out.push({ path: paths[i], size: sizes[i] });
        return resolve(out);
      }
      while (active < 64 && next < paths.length) {
        const i = next++;
        active++;
        lstat(join(root, paths[i]), (e, st) => {
          active--;
          sizes[i] = e ? -1 : st.isFile() ? st.size : 0;
          pump();
        });
      }
    };
    pump();
  });
}

/** The portable walk: readdir with entry types (in time slices), then batched lstat of kept files. */
async function walkWithNode(root: string, ig: DockerignoreMatcher, o: WalkOptions = {}): Promise<ContextIndex> {
  const maxFiles = o.maxFiles ?? 1_000_000;
  const slice = o.sliceMs ?? 10;
  const regular: string[] = [];
  const other: ContextFile[] = [];
  let ignoredFiles = 0;
  const stack: Array<{ rel: string; mask?: Uint8Array }> = [{ rel: '' }];
  let sliceStart = performance.now();
  while (stack.length) {
    if (o.signal?.aborted) throw new ContextWalkError('cancelled');
    if (slice > 0 && performance.now() - sliceStart > slice) {
      await yieldNow();
      sliceStart = performance.now();
    }
    const { rel, mask } = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
    } catch (e) {
      if (!rel) throw new ContextWalkError(`cannot read the build context ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    for (const d of entries) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (ig.ignoresIn(mask, path) && ig.sealed(path)) continue;
        stack.push({ rel: path, mask: ig.dirMask(path, mask) });
        continue;
      }
      if (ig.ignoresIn(mask, path)) {
        ignoredFiles++;
        continue;
      }
      if (d.isFile()) regular.push(path);
      else other.push({ path, size: 0 });
      if (regular.length + other.length > maxFiles) throw new ContextWalkError(`the build context has more than ${maxFiles} files`);
    }
  }
  const files = (await statAll(root, regular, o)).concat(other).sort(byPath);
  let totalBytes = 0;
  for (const f of files) totalBytes += f.size;
  return { root, files, totalBytes, ignoredFiles };
}

/**
 * List with GNU find, filtering with .dockerignore as entries stream in. Resolves undefined when
 * find is missing or not GNU find, so the caller falls back to the portable walk.
 */
function walkWithFind(root: string, ig: DockerignoreMatcher, o: WalkOptions): Promise<ContextIndex | undefined> {
  return new Promise((resolve, reject) => {
    const maxFiles = o.maxFiles ?? 1_000_000;
    const files: ContextFile[] = [];
    let totalBytes = 0;
    let ignoredFiles = 0;
    let pruned: string | undefined;
    let rest = '';
    let failed = false;
    // Pattern masks of the directories being listed (a directory's entries follow it).
    const masks = new Map<string, Uint8Array>();
    let lastParent = '';
    let lastMask: Uint8Array | undefined;
    const prune = ig.prunableRegexps();
    const args = ['.', '-mindepth', '1'];
    if (prune.length) args.push('-regextype', 'posix-extended', '(', '-type', 'd', '-regex', `(${prune.join('|')})`, ')', '-prune', '-o');
    args.push('-printf', '%y %s %P\\0');
    const child = spawn('find', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8').slice(0, 2000)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\0');
      rest = parts.pop() ?? '';
      for (const rec of parts) {
        const a = rec.indexOf(' ');
        const b = rec.indexOf(' ', a + 1);
        const path = rec.slice(b + 1);
        // find lists a directory's contents right after it, so one pruned prefix at a time suffices.
        if (pruned !== undefined && path.startsWith(pruned)) continue;
        pruned = undefined;
        // Entries of one directory mostly come together: reuse the last parent's mask without slicing.
        const slash = path.lastIndexOf('/');
        if (slash !== lastParent.length || !path.startsWith(lastParent)) {
          lastParent = slash < 0 ? '' : path.slice(0, slash);
          lastMask = slash < 0 ? undefined : masks.get(lastParent);
        }
        const mask = lastMask;
        if (rec.charCodeAt(0) === 100 /* d */) {
          if (ig.ignoresIn(mask, path) && ig.sealed(path)) pruned = path + '/';
          else masks.set(path, ig.dirMask(path, mask));
          continue;
        }
        if (ig.ignoresIn(mask, path)) {
          ignoredFiles++;
          continue;
        }
        let size = 0;
        if (rec.charCodeAt(0) === 102 /* f */) for (let i = a + 1; i < b; i++) size = size * 10 + rec.charCodeAt(i) - 48;
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
        if (/printf|regextype|unknown|illegal/i.test(stderr) || !files.length) return resolve(undefined);
      }
      files.sort(byPath);
      resolve({ root, files, totalBytes, ignoredFiles });
    });
  });
}

/** Walk `root`, applying .dockerignore text (null: none); the Dockerfile and .dockerignore are kept as the builder keeps them. */
export async function walkContext(root: string, ignoreText: string | null, o: WalkOptions = {}): Promise<ContextIndex> {
  const ig = compileDockerignore(ignoreText);
  if (process.platform !== 'win32' && !o.portable) {
    const viaFind = await walkWithFind(root, ig, o);
    if (viaFind) return viaFind;
  }
  return walkWithNode(root, ig, o);
}
