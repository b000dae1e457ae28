// The real Dockerfiles and Compose files in ../shared/corpus, for no-crash tests, the
// false-positive snapshot and benchmarks.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileKind, type FileKind } from '../server/src/analysis/file-kinds';

/** Where the corpus lives (next to the repo, as laid out for developers and CI). */
export const corpusRoot = resolve(__dirname, '..', '..', 'shared', 'corpus');

/** One corpus file. */
export interface CorpusFile {
  /** Path relative to the corpus root, with forward slashes. */
  name: string;
  path: string;
  kind: FileKind;
  text: string;
}

/** Every Dockerfile and Compose file in the corpus, sorted by name. */
export function corpusFiles(kind?: FileKind): CorpusFile[] {
  if (!existsSync(corpusRoot)) throw new Error(`corpus not found at ${corpusRoot}`);
  const out: CorpusFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const k = fileKind(e);
        if (k && (!kind || k === kind)) out.push({ name: relative(corpusRoot, p).split('\\').join('/'), path: p, kind: k, text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(corpusRoot);
  return out;
}
