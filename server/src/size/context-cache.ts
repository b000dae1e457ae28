// Walked build contexts, one per context directory, kept until a file event under the directory
// says it changed. Readers get the last index at once (or "reading…" the first time) and a
// callback when a fresh one is ready, so no keystroke ever waits for a walk.

import { relative, sep } from 'node:path';
import type { ContextIndex } from '../analysis/size/types';
import { walkContext, type WalkOptions } from './context-walk';
import { compileDockerignore, type DockerignoreMatcher } from './dockerignore-match';

interface Slot {
  index?: ContextIndex;
  error?: string;
  ignoreText: string | null;
  /** The matcher of `ignoreText`, compiled when a file event first needs it. */
  matcher?: DockerignoreMatcher;
  dirty: boolean;
  running?: Promise<void>;
  at: number;
}

/** Options of the cache. */
export interface ContextCacheOptions extends WalkOptions {
  /** When no file events arrive (the client cannot watch), re-walk indexes older than this (default 30 s). */
  unwatchedTtlMs?: number;
  /** Called when a context's index is (re)built or failed. */
  onChange?: (root: string) => void;
}

/** Context indexes by directory. */
export class ContextCache {
  private readonly slots = new Map<string, Slot>();
  /** True once file events arrive for the contexts (then indexes never expire by time). */
  watched = false;
  /** Walks started (tests and benchmarks read it). */
  walks = 0;

  constructor(private readonly o: ContextCacheOptions = {}) {}

  /** The index of a context, or why there is none yet; starts a walk when needed. */
  get(root: string, ignoreText: string | null): ContextIndex | { unknown: string } {
    let s = this.slots.get(root);
    if (!s) this.slots.set(root, (s = { ignoreText, dirty: true, at: 0 }));
    if (s.ignoreText !== ignoreText) {
      s.ignoreText = ignoreText;
      s.matcher = undefined;
      s.dirty = true;
    }
    if (!this.watched && Date.now() - s.at > (this.o.unwatchedTtlMs ?? 30_000)) s.dirty = true;
    if (s.dirty && !s.running) this.start(root, s);
    if (s.index && s.index.root === root) return s.index;
    return { unknown: s.error ?? 'reading the build context…' };
  }

  /** Wait for the context's walk (CLI, tests). */
  async ready(root: string, ignoreText: string | null): Promise<ContextIndex | { unknown: string }> {
    this.get(root, ignoreText);
    await this.slots.get(root)?.running;
    return this.get(root, ignoreText);
  }

  /**
   * A file changed: every context holding it is walked again on its next use, unless .dockerignore
   * leaves the path (and everything a `!` pattern could bring back below it) out of the context,
   * so a build writing into an ignored node_modules or dist costs no walk.
   */
  changed(path: string): void {
    for (const [root, s] of this.slots) {
      if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) continue;
      const rel = relative(root, path).split(sep).join('/');
      if (rel && rel !== '.dockerignore') {
        s.matcher ??= compileDockerignore(s.ignoreText);
        if (s.matcher.ignores(rel) && s.matcher.sealed(rel)) continue;
      }
      s.dirty = true;
    }
  }

  private start(root: string, s: Slot): void {
    s.dirty = false;
    this.walks++;
    const ignoreText = s.ignoreText;
    s.running = walkContext(root, ignoreText, this.o).then(
      (index) => {
        s.index = index;
        s.error = undefined;
      },
      (e: unknown) => {
        s.index = undefined;
        s.error = (e as Error)?.message ?? String(e);
      },
    ).finally(() => {
      s.at = Date.now();
      s.running = undefined;
      // A change that came in during the walk, or a new .dockerignore, needs another walk.
      if (s.ignoreText !== ignoreText) s.dirty = true;
      this.o.onChange?.(root);
    });
  }
}
