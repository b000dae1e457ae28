// Reading the Dockerfile a service builds: whether the built stage has a HEALTHCHECK, and the
// Dockerfile rules' findings, so Compose findings can point into it.

import { posix } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { analyzeDockerfile } from '../dockerfile/analyze';
import type { Finding, Range } from '../engine/types';
import type { BuildInfo, ComposeContext } from './context';

/** The HEALTHCHECK of the stage a build produces. */
export interface DockerfileHealth {
  /** True when the built stage (or a stage it builds on) declares a HEALTHCHECK other than NONE. */
  present: boolean;
  /** The HEALTHCHECK instruction, or the FROM of the built stage when there is none. */
  range: Range;
}

const cache = new WeakMap<ComposeContext, Map<string, { health?: DockerfileHealth; findings?: Finding[] }>>();

function entry(ctx: ComposeContext, key: string) {
  let m = cache.get(ctx);
  if (!m) cache.set(ctx, (m = new Map()));
  let e = m.get(key);
  if (!e) m.set(key, (e = {}));
  return e;
}

/** The built stage's health check; undefined when the Dockerfile text is unknown or missing. */
export function builtHealth(ctx: ComposeContext, build: BuildInfo): DockerfileHealth | undefined {
  if (build.inline || build.remote || !build.complete) return undefined;
  const text = ctx.dockerfileText(build.dockerfileKey);
  if (typeof text !== 'string') return undefined;
  const e = entry(ctx, `${build.dockerfileKey}#${build.target ?? ''}`);
  if (!e.health) e.health = healthOf(text, build.target);
  return e.health;
}

function healthOf(text: string, target: string | undefined): DockerfileHealth {
  const df = DockerfileParser.parse(text);
  type StageInfo = { name?: string; from: Range; parent?: StageInfo; health?: { none: boolean; range: Range } };
  const stages: StageInfo[] = [];
  for (const inst of df.getInstructions()) {
    const kw = inst.getKeyword();
    if (kw === 'FROM') {
      const args = inst.getArguments().map((a) => a.getValue());
      const asAt = args.findIndex((a) => a.toLowerCase() === 'as');
      const image = args.find((a) => !a.startsWith('--'))?.toLowerCase();
      stages.push({ name: asAt >= 0 ? args[asAt + 1]?.toLowerCase() : undefined, from: inst.getRange(), parent: stages.find((s) => s.name && s.name === image) });
    } else if (kw === 'HEALTHCHECK' && stages.length) {
      const first = inst.getArguments()[0]?.getValue().toUpperCase();
      stages[stages.length - 1].health = { none: first === 'NONE', range: inst.getRange() };
    }
  }
  const built = (target ? stages.find((s) => s.name === target.toLowerCase()) : undefined) ?? stages[stages.length - 1];
  if (!built) return { present: false, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  for (let s: StageInfo | undefined = built, i = 0; s && i < 64; s = s.parent, i++) {
    if (s.health) return { present: !s.health.none, range: s.health.range };
  }
  return { present: false, range: built.from };
}

/** The Dockerfile rules' findings for a build; undefined when its text is unknown or missing. */
export function builtFindings(ctx: ComposeContext, build: BuildInfo, log?: (m: string) => void): Finding[] | undefined {
  if (build.inline || build.remote || !build.complete) return undefined;
  const text = ctx.dockerfileText(build.dockerfileKey);
  if (typeof text !== 'string') return undefined;
  const e = entry(ctx, build.dockerfileKey);
  e.findings ??= memoAnalyze(text, ctx.settings, log);
  return e.findings;
}

// Editors re-analyse a Compose file on every keystroke while its Dockerfiles stay the same: keep
// the last results by text and settings (a pure function, so a memo is safe).
const memo = new Map<string, Finding[]>();
const MEMO_SIZE = 64;

function memoAnalyze(text: string, settings: ComposeContext['settings'], log?: (m: string) => void): Finding[] {
  const key = `${JSON.stringify(settings)}\0${text}`;
  const hit = memo.get(key);
  if (hit) {
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  // The .dockerignore of the context is not among the facts: unknown, not absent.
  const found = analyzeDockerfile(text, { settings, files: {}, log });
  memo.set(key, found);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return found;
}

/** Absolute path of a path key, when the Compose file's own path is known. */
export function absolutePath(ctx: ComposeContext, key: string): string | undefined {
  if (key.startsWith('/')) return key;
  if (!ctx.files.path) return undefined;
  return posix.join(posix.dirname(ctx.files.path.replace(/\\/g, '/')), key);
}
