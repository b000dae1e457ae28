// The build context as the builder sends it: every file under the context directory that
// .dockerignore keeps, with its size. The walk reads directories synchronously in slices and
// yields to the event loop between them, so the language server keeps answering while a large
// context is read; an excluded directory is skipped whole unless a `!` pattern could bring
// something inside it back, as the builder does.

import dockerignore from '@balena/dockerignore';
import { lstatSync, opendirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextFile, ContextIndex } from '../analysis/size/types';

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

/** Walk `root`, applying .dockerignore text (null: none); the Dockerfile and .dockerignore are kept as the builder keeps them. */
export async function walkContext(root: string, ignoreText: string | null, o: WalkOptions = {}): Promise<ContextIndex> {
  const ig = dockerignore().add(ignoreText ?? '');
  const negations = (ignoreText ?? '').split(/\r?\n/).some((l) => l.trim().startsWith('!'));
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
    let dir;
    try {
      dir = opendirSync(abs);
    } catch (e) {
      if (!rel) throw new ContextWalkError(`cannot read the build context ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    try {
      for (let d = dir.readSync(); d; d = dir.readSync()) {
        const path = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          // An excluded directory is skipped whole unless a `!` pattern may bring back part of it.
          if (ig.ignores(path) && !negations) continue;
          stack.push(path);
          continue;
        }
        if (ig.ignores(path)) {
          ignoredFiles++;
          continue;
        }
        let size = 0;
        if (d.isFile()) {
          try {
            size = lstatSync(join(abs, d.name)).size;
          } catch {
            continue;
          }
        }
        files.push({ path, size });
        totalBytes += size;
        if (files.length > maxFiles) throw new ContextWalkError(`the build context has more than ${maxFiles} files`);
      }
    } finally {
      dir.closeSync();
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, files, totalBytes, ignoredFiles };
}
