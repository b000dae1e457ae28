// Finding and reading the files `pier lint` analyses, and the settings that apply to each.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { analyzeDockerfile } from '../../../server/src/analysis/dockerfile/analyze';
import { analyzeCompose } from '../../../server/src/analysis/compose/analyze';
import { gatherComposeFacts, type FileIO } from '../../../server/src/analysis/compose/facts';
import { fileKind, MAX_ANALYSIS_BYTES, type FileKind } from '../../../server/src/analysis/file-kinds';
import { mergeSettings, readHadolintConfig } from '../../../server/src/analysis/engine/hadolint-config';
import type { Finding, LintSettings } from '../../../server/src/analysis/engine/types';
import { publishedPlatformsOf } from '../../../server/src/size/published-platforms';
import type { SizeFacts } from '../../../server/src/size/size-facts';

/** A file to lint and what it is. */
export interface LintTarget {
  path: string;
  kind: FileKind;
}

/** The outcome for one file: findings, or an error that kept it from being analysed. */
export interface LintResult {
  path: string;
  kind: FileKind;
  findings: Finding[];
  error?: string;
}

/** Registry facts for base-image-platform-missing (`pier lint --online`); undefined keeps lint offline. */
let onlineFacts: SizeFacts | undefined;

/** Read published platforms of base images from registries for the Dockerfiles linted from now on (undefined: offline). */
export function useOnlineFacts(facts: SizeFacts | undefined): void {
  onlineFacts = facts;
}

/** Analysers per kind; Compose joins this table. */
export const analysers: Record<FileKind, ((text: string, path: string, settings: Partial<LintSettings>) => Promise<Finding[]>) | undefined> = {
  dockerfile: async (text, path, settings) => {
    const dockerignore = await readFile(join(dirname(path), '.dockerignore'), 'utf8').catch(() => null);
    const imagePlatforms = onlineFacts ? await publishedPlatformsOf(text, settings, onlineFacts) : undefined;
    return analyzeDockerfile(text, { settings, files: { dockerignore, imagePlatforms }, log: (m) => process.stderr.write(`pier lint: ${m}\n`) });
  },
  // Compose reads its .env, and checks the env files, build contexts and Dockerfiles it names.
  compose: async (text, path, settings) => {
    const files = await gatherComposeFacts(path, text, diskIO);
    return analyzeCompose(text, { settings, files, log: (m) => process.stderr.write(`pier lint: ${m}\n`) });
  },
};

/** File access for Compose facts: missing, unreadable or oversized files read as null. */
const diskIO: FileIO = {
  readText: async (p) => {
    const s = await stat(p).catch(() => undefined);
    if (!s?.isFile() || s.size > MAX_ANALYSIS_BYTES) return null;
    return readFile(p, 'utf8').catch(() => null);
  },
  kind: (p) => stat(p).then((s) => (s.isDirectory() ? 'dir' : 'file'), () => null),
};

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.hg', '.svn', 'vendor']);

/** Expand paths: files as given (kind by name, Dockerfile by default), directories searched. */
export async function findLintTargets(paths: string[], warn: (m: string) => void): Promise<LintTarget[]> {
  const out: LintTarget[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 20) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      warn(`${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p, depth + 1);
      } else if (e.isFile()) {
        const kind = fileKind(e.name);
        if (kind) out.push({ path: p, kind });
      }
    }
  };
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s) {
      warn(`${p}: no such file or directory`);
      out.push({ path: p, kind: fileKind(basename(p)) ?? 'dockerfile' });
    } else if (s.isDirectory()) await walk(p, 0);
    else out.push({ path: p, kind: fileKind(basename(p)) ?? 'dockerfile' });
  }
  return out;
}

/** Settings for a file: an explicit config, else the nearest .hadolint.yaml upwards; plus platforms. */
export async function loadLintConfig(path: string, configText: string | undefined, platforms: string[] | undefined): Promise<Partial<LintSettings>> {
  let text = configText;
  if (text === undefined) {
    for (let dir = dirname(path), i = 0; i < 40; i++) {
      for (const name of ['.hadolint.yaml', '.hadolint.yml']) {
        text ??= await readFile(join(dir, name), 'utf8').catch(() => undefined);
      }
      const up = dirname(dir);
      if (text !== undefined || up === dir) break;
      dir = up;
    }
  }
  return mergeSettings(text ? readHadolintConfig(text) : undefined, platforms?.length ? { targetPlatforms: platforms } : undefined);
}

/** Read and analyse one file; unreadable, binary or huge files become an error, not a crash. */
export async function lintFile(t: LintTarget, settings: Partial<LintSettings>): Promise<LintResult> {
  const base = { path: t.path, kind: t.kind, findings: [] as Finding[] };
  let buf: Buffer;
  try {
    buf = await readFile(t.path);
  } catch (e) {
    return { ...base, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (buf.length > MAX_ANALYSIS_BYTES) return { ...base, error: `too large to analyse (${(buf.length / 1048576).toFixed(1)} MB; the limit is ${MAX_ANALYSIS_BYTES / 1048576} MB)` };
  if (buf.subarray(0, 8192).includes(0)) return { ...base, error: 'binary file (contains NUL bytes), not analysed' };
  const analyse = analysers[t.kind];
  if (!analyse) return { ...base, error: `${t.kind} files are not analysed yet` };
  const text = buf.toString('utf8');
  return { ...base, findings: await analyse(text, t.path, settings) };
}
