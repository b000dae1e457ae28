// What dive calls wasted space: bytes of files that a layer ships but a later layer overwrites or
// deletes (whiteouts `.wh.<name>`, opaque directories `.wh..wh..opq`). Fed one tar entry at a
// time, so the caller can stream layers and never hold file contents.

import { ruleForPath } from './offenders';

/** A file that a later layer made dead weight. */
export interface WastedPath {
  /** Path in the image (`/var/lib/apt/lists/*` when several files of one directory). */
  path: string;
  bytes: number;
  files: number;
  /** Layer that shipped the bytes. */
  layer: number;
  /** Layer that overwrote or deleted them. */
  by: number;
  how: 'deleted' | 'overwritten';
  /** A size rule that explains the path, when one does. */
  rule?: string;
}

/** A large file a layer ships. */
export interface LargePath {
  path: string;
  bytes: number;
  rule?: string;
}

/** Per-layer figures. */
export interface LayerFigures {
  index: number;
  bytes: number;
  files: number;
  /** Bytes of this layer's files that later layers overwrite or delete. */
  wastedBytes: number;
  largest: LargePath[];
}

/** The result for a whole image. */
export interface WasteReport {
  layers: LayerFigures[];
  totalBytes: number;
  wastedBytes: number;
  /** (total - wasted) / total; 1 for an empty image. */
  efficiency: number;
  /** Largest wasted paths first. */
  offenders: WastedPath[];
}

interface Visible {
  layer: number;
  size: number;
}

const TOP = 10;

function clean(p: string): string {
  return p.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Accumulates layers in order (base first) and computes waste. */
export class WasteTracker {
  private readonly visible = new Map<string, Visible>();
  private readonly children = new Map<string, Set<string>>();
  private readonly layers: LayerFigures[] = [];
  private readonly wasted: WastedPath[] = [];
  private current = -1;

  /** Start the next layer (0-based, in the image's order). */
  startLayer(): number {
    this.current = this.layers.length;
    this.layers.push({ index: this.current, bytes: 0, files: 0, wastedBytes: 0, largest: [] });
    return this.current;
  }

  /** One tar entry of the current layer; `size` counts for regular files only. */
  entry(rawPath: string, type: 'file' | 'directory' | 'link' | 'symlink' | 'other', size: number): void {
    if (this.current < 0) this.startLayer();
    const path = clean(rawPath);
    if (!path) return;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base === '.wh..wh..opq') {
      const dir = parentOf(path);
      for (const child of [...(this.children.get(dir) ?? [])]) this.remove(child, dir || '/', 'deleted');
      return;
    }
    if (base.startsWith('.wh.')) {
      const target = (parentOf(path) ? parentOf(path) + '/' : '') + base.slice(4);
      this.remove(target, target, 'deleted');
      return;
    }
    this.link(path);
    if (type === 'directory') return;
    const bytes = type === 'file' ? size : 0;
    const old = this.visible.get(path);
    if (old && old.layer !== this.current) this.waste(path, old, path, 'overwritten');
    this.visible.set(path, { layer: this.current, size: bytes });
    const l = this.layers[this.current];
    l.bytes += bytes;
    l.files++;
    if (bytes > 0 && (l.largest.length < TOP || bytes > l.largest[l.largest.length - 1].bytes)) {
      l.largest.push({ path: '/' + path, bytes, rule: ruleForPath(path) });
      l.largest.sort((a, b) => b.bytes - a.bytes);
      if (l.largest.length > TOP) l.largest.pop();
    }
  }

  private link(path: string): void {
    let p = path;
    while (p) {
      const parent = parentOf(p);
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(p)) break;
      set.add(p);
      p = parent;
    }
  }

  /** Delete a path and everything under it that lower layers shipped. */
  private remove(path: string, root: string, how: 'deleted' | 'overwritten'): void {
    const v = this.visible.get(path);
    if (v && v.layer !== this.current) {
      this.waste(path, v, root, how);
      this.visible.delete(path);
      this.children.get(parentOf(path))?.delete(path);
    }
    const kids = this.children.get(path);
    if (kids) {
      for (const k of [...kids]) this.remove(k, root, how);
      if (!kids.size) {
        this.children.delete(path);
        this.children.get(parentOf(path))?.delete(path);
      }
    }
  }

  private waste(path: string, v: Visible, root: string, how: 'deleted' | 'overwritten'): void {
    if (v.size <= 0) return;
    this.layers[v.layer].wastedBytes += v.size;
    this.wasted.push({ path: root === '/' ? '/' : '/' + clean(root), bytes: v.size, files: 1, layer: v.layer, by: this.current, how, rule: ruleForPath(path) });
  }

  /** The figures once every layer was fed. */
  finish(maxOffenders = 20): WasteReport {
    const totalBytes = this.layers.reduce((n, l) => n + l.bytes, 0);
    const wastedBytes = this.layers.reduce((n, l) => n + l.wastedBytes, 0);
    return { layers: this.layers, totalBytes, wastedBytes, efficiency: totalBytes ? (totalBytes - wastedBytes) / totalBytes : 1, offenders: groupOffenders(this.wasted).slice(0, maxOffenders) };
  }
}

/** Merge wasted files by deletion root; roots of one directory (`rm -rf dir/*`) become `dir/*`. */
export function groupOffenders(items: readonly WastedPath[]): WastedPath[] {
  const byRoot = new Map<string, WastedPath>();
  for (const w of items) {
    const key = `${w.path}\0${w.layer}\0${w.by}\0${w.how}`;
    const g = byRoot.get(key);
    if (g) {
      g.bytes += w.bytes;
      g.files += w.files;
      g.rule ??= w.rule;
    } else byRoot.set(key, { ...w });
  }
  const byDir = new Map<string, WastedPath[]>();
  for (const g of byRoot.values()) {
    const key = `${parentOf(g.path)}\0${g.layer}\0${g.by}\0${g.how}`;
    byDir.set(key, [...(byDir.get(key) ?? []), g]);
  }
  const out: WastedPath[] = [];
  for (const group of byDir.values()) {
    if (group.length < 3) out.push(...group);
    else {
      const first = group[0];
      out.push({ ...first, path: `${parentOf(first.path) || ''}/*`, bytes: group.reduce((n, g) => n + g.bytes, 0), files: group.reduce((n, g) => n + g.files, 0), rule: group.find((g) => g.rule)?.rule });
    }
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}
