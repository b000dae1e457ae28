// Files around a document that shape its analysis: the nearest .hadolint.yaml (searched upwards,
// but not past the document's workspace folder) and side files such as .dockerignore. Reads are
// cached; the cache is dropped for a path when the client reports it changed, and entries expire
// after a short time when the client cannot watch files.

import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHadolintConfig } from '../analysis/engine/hadolint-config';
import type { LintSettings } from '../analysis/engine/types';
import type { DocumentKind, SideFiles } from './languages';

const HADOLINT_NAMES = ['.hadolint.yaml', '.hadolint.yml'];
const UNWATCHED_TTL_MS = 2000;
const MAX_DEPTH = 64;

/** The file-system path of a `file:` URI; undefined for other schemes (untitled, git, ...). */
export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

interface Entry {
  at: number;
  text: Promise<string | null>;
}

/** Cached reads of project files, scoped by workspace folders. */
export class ProjectFiles {
  private folders: string[] = [];
  private readonly cache = new Map<string, Entry>();
  private readonly parsed = new Map<string, Partial<LintSettings>>();
  /** True once the client watches the files we read (then the cache never expires by time). */
  watched = false;

  /** Set the workspace folders (URIs); deeper folders are matched first. */
  setFolders(uris: string[]): void {
    this.folders = uris.map(fsPathOf).filter((p): p is string => !!p).sort((a, b) => b.length - a.length);
  }

  /** Forget one changed path, or everything. */
  invalidate(path?: string): void {
    if (path === undefined) this.cache.clear();
    else this.cache.delete(path);
  }

  /** File text, or null when it cannot be read. */
  read(path: string): Promise<string | null> {
    const hit = this.cache.get(path);
    if (hit && (this.watched || Date.now() - hit.at < UNWATCHED_TTL_MS)) return hit.text;
    const text = readFile(path, 'utf8').then(
      (t) => t,
      () => null,
    );
    this.cache.set(path, { at: Date.now(), text });
    return text;
  }

  /** The workspace folder holding a path, if any. */
  folderOf(path: string): string | undefined {
    return this.folders.find((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep));
  }

  /** Settings from the nearest .hadolint.yaml upwards from the document, within its folder. */
  async hadolintFor(docPath: string): Promise<Partial<LintSettings> | undefined> {
    const root = this.folderOf(docPath);
    let dir = dirname(docPath);
    for (let i = 0; i < MAX_DEPTH; i++) {
      for (const name of HADOLINT_NAMES) {
        const p = join(dir, name);
        const text = await this.read(p);
        if (text !== null) return this.parse(p, text);
      }
      // Outside any workspace folder only the document's own directory counts.
      if (!root || dir === root || !dir.startsWith(root)) return undefined;
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
    return undefined;
  }

  /** The side files a document kind asks for; unknown (undefined) for documents not on disk. */
  async sideFiles(kind: DocumentKind, docPath: string | undefined): Promise<SideFiles> {
    if (!kind.sideFiles) return {};
    const out: SideFiles = {};
    if (docPath === undefined) {
      for (const key of Object.keys(kind.sideFiles('/untitled'))) out[key] = undefined;
      return out;
    }
    for (const [key, candidates] of Object.entries(kind.sideFiles(docPath))) {
      out[key] = null;
      for (const c of candidates) {
        const text = await this.read(c);
        if (text !== null) {
          out[key] = text;
          break;
        }
      }
    }
    return out;
  }

  private parse(path: string, text: string): Partial<LintSettings> {
    const key = `${path}\0${text}`;
    let p = this.parsed.get(key);
    if (!p) {
      p = readHadolintConfig(text);
      // Keep one parse per path: a changed file replaces its old entry.
      for (const k of this.parsed.keys()) if (k.startsWith(`${path}\0`)) this.parsed.delete(k);
      this.parsed.set(key, p);
    }
    return p;
  }
}
