// The after-build truth of an image: each layer's real size mapped back to the Dockerfile
// instruction that made it, the bytes later layers overwrite or delete (waste), the image's
// efficiency, and the largest paths, linked to the size rules that explain them.

import { resolve } from 'node:path';
import { buildContext } from '../../../../server/src/analysis/dockerfile/context';
import { resolveSettings } from '../../../../server/src/analysis/engine/types';
import { instructionKey } from '../../../../server/src/analysis/size/estimate';
import { mapHistory, type HistoryEntry } from '../../../../server/src/analysis/size/history-map';
import { normalizePlatform } from '../../../../server/src/analysis/size/platform';
import type { BuildRecord } from '../../../../server/src/analysis/size/types';
import { WasteTracker, type LargePath, type WastedPath } from '../../../../server/src/analysis/size/waste';
import { ImageReadError, readSavedImage, type SavedArchive } from './save-reader';

/** One history entry of the image with its layer's figures. */
export interface LayerBreakdown {
  /** Index in the image's history (oldest first). */
  history: number;
  createdBy: string;
  /** Whether the entry made a layer (ENV, CMD, ... do not). */
  hasLayer: boolean;
  bytes: number;
  files: number;
  wastedBytes: number;
  largest: LargePath[];
  /** True for the base image's entries. */
  base: boolean;
  /** The Dockerfile instruction that made it (when a Dockerfile was given and matched). */
  line?: number;
  instruction?: string;
}

/** The breakdown of a whole image. */
export interface ImageBreakdown {
  image: string;
  imageId?: string;
  platform?: string;
  totalBytes: number;
  wastedBytes: number;
  efficiency: number;
  baseBytes: number;
  entries: LayerBreakdown[];
  /** Largest waste first, each with the instruction that shipped it. */
  offenders: Array<WastedPath & { line?: number; byLine?: number }>;
  /** Bytes of the `docker save` stream. */
  streamBytes: number;
}

interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  history?: Array<{ created_by?: string; empty_layer?: boolean }>;
  rootfs?: { diff_ids?: string[] };
}

/** Find the config and the layer order in a save archive (classic or OCI layout). */
function layout(a: SavedArchive): { config: ImageConfig; configName: string; layers: string[] } {
  const manifest = a.json.get('manifest.json') as Array<{ Config: string; Layers: string[] }> | undefined;
  const m = manifest?.[0];
  if (!m) throw new ImageReadError('the saved image has no manifest.json');
  const config = a.json.get(m.Config) as ImageConfig | undefined;
  if (!config) throw new ImageReadError(`the saved image has no config ${m.Config}`);
  return { config, configName: m.Config, layers: m.Layers };
}

/** Compute the breakdown from a read archive; `dockerfileText` maps history entries to its lines. */
export function breakdownOf(image: string, a: SavedArchive, dockerfileText?: string): ImageBreakdown {
  const { config, configName, layers } = layout(a);
  const tracker = new WasteTracker();
  for (const name of layers) {
    tracker.startLayer();
    for (const e of a.layers.get(name) ?? []) tracker.entry(e.path, e.type, e.size);
  }
  const report = tracker.finish(30);
  const history: HistoryEntry[] = (config.history ?? []).map((h) => ({ createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true }));
  let instructions: import('dockerfile-ast').Instruction[] = [];
  if (dockerfileText !== undefined) {
    const ctx = buildContext(dockerfileText, resolveSettings(), {}, () => undefined);
    instructions = ctx.finalStage ? ctx.lineage(ctx.finalStage).flatMap((s) => s.instructions) : [];
  }
  const mapped = mapHistory(history, instructions);
  const entries: LayerBreakdown[] = [];
  const layerOfHistory = new Map<number, number>();
  let layer = 0;
  history.forEach((h, i) => {
    const has = !h.emptyLayer && layer < report.layers.length;
    const fig = has ? report.layers[layer] : undefined;
    if (has) layerOfHistory.set(layer++, i);
    const inst = mapped[i].instruction;
    entries.push({
      history: i,
      createdBy: h.createdBy,
      hasLayer: has,
      bytes: fig?.bytes ?? 0,
      files: fig?.files ?? 0,
      wastedBytes: fig?.wastedBytes ?? 0,
      largest: fig?.largest ?? [],
      base: mapped[i].base,
      line: inst?.getRange().start.line,
      instruction: inst ? instructionKey(inst.getTextContent()) : undefined,
    });
  });
  const lineOfLayer = (l: number) => entries[layerOfHistory.get(l) ?? -1]?.line;
  const platform = config.os && config.architecture ? normalizePlatform([config.os, config.architecture, config.variant].filter(Boolean).join('/')) : undefined;
  return {
    image,
    imageId: configName.replace(/^blobs\/sha256\//, 'sha256:').replace(/\.json$/, ''),
    platform,
    totalBytes: report.totalBytes,
    wastedBytes: report.wastedBytes,
    efficiency: report.efficiency,
    baseBytes: entries.filter((e) => e.base).reduce((n, e) => n + e.bytes, 0),
    entries,
    offenders: report.offenders.map((o) => ({ ...o, rule: o.rule ?? (o.how === 'deleted' ? 'removed-in-later-layer' : undefined), line: lineOfLayer(o.layer), byLine: lineOfLayer(o.by) })),
    streamBytes: a.bytes,
  };
}

/** Read an image from the local engine (streamed `docker save`) and break it down. */
export async function imageBreakdown(image: string, o: { dockerfileText?: string; signal?: AbortSignal; onProgress?: (message: string) => void } = {}): Promise<ImageBreakdown> {
  o.onProgress?.(`reading ${image} from the engine`);
  const archive = await readSavedImage(image, { signal: o.signal, onProgress: (b) => o.onProgress?.(`read ${Math.round(b / 1e6)} MB of ${image}`) });
  return breakdownOf(image, archive, o.dockerfileText);
}

/** The record the editor reads for `+182 MB` hints and `COPY --from` estimates. */
export function toBuildRecord(b: ImageBreakdown, dockerfile: string): BuildRecord {
  return {
    dockerfile: resolve(dockerfile),
    image: b.image,
    imageId: b.imageId,
    platform: b.platform,
    date: new Date().toISOString(),
    baseBytes: b.baseBytes,
    totalBytes: b.totalBytes,
    wastedBytes: b.wastedBytes,
    layers: b.entries.filter((e) => e.hasLayer && e.instruction !== undefined).map((e) => ({ line: e.line!, instruction: e.instruction!, bytes: e.bytes, wastedBytes: e.wastedBytes || undefined })),
  };
}
