// The static size estimate: per stage, the base image plus what the stage adds that can be known
// without building (context bytes of COPY/ADD, files copied from earlier stages as a previous build
// measured them). Everything else is listed as unknown with the reason, never guessed.

import type { Instruction } from 'dockerfile-ast';
import type { ImageRef } from '../dockerfile/image-ref';
import { copyArgs } from '../dockerfile/size-helpers';
import { contextBytes } from './context-bytes';
import { isConcretePlatform, normalizePlatform, platformServes } from './platform';
import type { BuildRecord, BuiltLayer, ContextIndex, ImageSizeFacts, SizeSource } from './types';

/** The parts of a stage the estimate reads (the analysis context's stages and the editor's both fit). */
export interface EstimateStage {
  index: number;
  name?: string;
  from: Instruction;
  image: string;
  imageResolved: boolean;
  ref?: ImageRef;
  parent?: { index: number };
  platform?: string;
  instructions: Instruction[];
  isFinal: boolean;
}

/** One contribution to a stage's size. */
export interface SizePart {
  /** 0-based line of the instruction. */
  line: number;
  /** `FROM alpine:3.20`, `COPY . /app`, ... (shortened). */
  label: string;
  /** Bytes on disk once unpacked (or compressed bytes for a base whose unpacked size is unknown). */
  bytes?: number;
  /** Whether `bytes` is the unpacked size (`disk`) or only the download (`download`). */
  measure?: 'disk' | 'download';
  /** Why the size is not known; set exactly when `bytes` is not. */
  unknown?: string;
  /** True while facts for this part are still being fetched. */
  pending?: boolean;
  /** Where the figure came from. */
  source?: string;
}

/** The estimate of one stage. */
export interface StageEstimate {
  index: number;
  name?: string;
  line: number;
  platform: string;
  /** The base: an image's size, the parent stage's estimate, or 0 for scratch. */
  base: SizePart;
  /** Registry/catalog facts of the base image, when known. */
  baseFacts?: ImageSizeFacts;
  /** What the stage's instructions add, in order (instructions that add nothing are left out). */
  parts: SizePart[];
  /** Sum of the known parts (including the base). */
  bytes: number;
  /** `disk` when every known part is an unpacked size, `mixed` when the base is only known compressed. */
  basis: 'disk' | 'mixed';
  /** Parts whose size is unknown (the base's included). */
  unknown: SizePart[];
  isFinal: boolean;
}

/** Everything an estimate reads. */
export interface EstimateInput {
  stages: readonly EstimateStage[];
  /** The platform the image is built for (`pier.lint.targetPlatforms[0]`). */
  targetPlatform: string;
  /** The build machine's platform, for stages `FROM --platform=$BUILDPLATFORM`. */
  buildPlatform?: string;
  sizes: SizeSource;
  /** The walked build context, or why there is none (an unsaved buffer, a walk in progress). */
  context: ContextIndex | { unknown: string };
  /** What the last build of this Dockerfile measured. */
  previousBuild?: BuildRecord;
  /** Substitute build variables at an instruction (the analysis context's `resolve`). */
  resolve?(text: string, at: Instruction): { value: string; complete: boolean };
}

/** The whole estimate: one entry per stage, and the final stage's. */
export interface ImageEstimate {
  stages: StageEstimate[];
  final?: StageEstimate;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.lz|tar\.z)$/i;

/** Collapse whitespace so a previous build's record finds an instruction again after edits elsewhere. */
export function instructionKey(text: string): string {
  return text.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function short(text: string, max = 48): string {
  const t = instructionKey(text);
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function flagValue(inst: Instruction, name: string): string | undefined {
  const flags = (inst as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> }).getFlags?.() ?? [];
  const f = flags.find((x) => x.getName().toLowerCase() === name);
  return f ? (f.getValue() ?? '') : undefined;
}

/** The platform a stage's base is pulled for. */
function stagePlatform(stage: EstimateStage, input: EstimateInput): string {
  const p = stage.platform?.trim();
  if (!p) return normalizePlatform(input.targetPlatform);
  if (isConcretePlatform(p)) return normalizePlatform(p);
  if (/\$\{?BUILDPLATFORM\}?/.test(p)) return normalizePlatform(input.buildPlatform ?? input.targetPlatform);
  return normalizePlatform(input.targetPlatform);
}

/** Layers of a previous build, by instruction text, each usable once (repeated lines match in order). */
class PreviousLayers {
  private readonly byKey = new Map<string, BuiltLayer[]>();
  constructor(record?: BuildRecord) {
    for (const l of record?.layers ?? []) {
      const list = this.byKey.get(l.instruction) ?? [];
      list.push(l);
      this.byKey.set(l.instruction, list);
    }
  }
  take(text: string): BuiltLayer | undefined {
    return this.byKey.get(instructionKey(text))?.shift();
  }
}

function baseOf(stage: EstimateStage, input: EstimateInput, done: StageEstimate[], platform: string): { part: SizePart; facts?: ImageSizeFacts } {
  const line = stage.from.getRange().start.line;
  const label = short(`FROM ${stage.image}`);
  if (stage.parent) {
    const p = done[stage.parent.index];
    if (!p) return { part: { line, label, unknown: 'the stage it builds on could not be estimated' } };
    return { part: { line, label, bytes: p.bytes, measure: p.basis === 'disk' ? 'disk' : 'download', source: `stage ${p.name ?? p.index}` } };
  }
  if (stage.image.toLowerCase() === 'scratch') return { part: { line, label, bytes: 0, measure: 'disk', source: 'scratch is empty' } };
  if (!stage.imageResolved) return { part: { line, label, unknown: 'the image name depends on build arguments without defaults' } };
  if (!stage.ref) return { part: { line, label, unknown: `\`${stage.image}\` is not a valid image reference` } };
  const r = input.sizes.lookup(stage.ref, platform);
  if (r.state === 'pending') return { part: { line, label, unknown: r.reason, pending: true } };
  if (r.state === 'unknown') return { part: { line, label, unknown: r.reason } };
  const f = r.facts;
  const source = r.note ? `${f.source} (${r.note})` : f.source;
  if (f.uncompressedBytes !== undefined) return { part: { line, label, bytes: f.uncompressedBytes, measure: 'disk', source }, facts: f };
  if (f.compressedBytes !== undefined) return { part: { line, label, bytes: f.compressedBytes, measure: 'download', source }, facts: f };
  if (f.platforms?.length && !f.platforms.some((p) => platformServes(p, platform))) {
    return { part: { line, label, unknown: `\`${stage.image}\` is not published for ${platform} (only ${f.platforms.join(', ')})` }, facts: f };
  }
  return { part: { line, label, unknown: `${f.source} has no size for ${platform}` }, facts: f };
}

/** What one instruction adds, or undefined when it adds no bytes. */
function partOf(inst: Instruction, input: EstimateInput, previous: PreviousLayers): SizePart | undefined {
  const keyword = inst.getKeyword();
  const line = inst.getRange().start.line;
  const text = inst.getTextContent?.() ?? '';
  const label = short(text);
  if (keyword === 'RUN') {
    const built = previous.take(text);
    if (built) return { line, label, bytes: built.bytes, measure: 'disk', source: `measured by the build of ${input.previousBuild?.image}` };
    return { line, label, unknown: 'what a RUN adds is known only after a build' };
  }
  if (keyword !== 'COPY' && keyword !== 'ADD') return undefined;
  const from = flagValue(inst, 'from');
  const args = copyArgs(inst);
  if (from !== undefined) {
    const built = previous.take(text);
    if (built) return { line, label, bytes: built.bytes, measure: 'disk', source: `measured by the build of ${input.previousBuild?.image}` };
    return { line, label, unknown: /^[a-z0-9_.-]+$/i.test(from) && !from.includes('/') && !from.includes(':') ? `files copied from stage \`${from}\` are measured by a build` : `files copied from image \`${from}\` are measured by a build` };
  }
  if (!args) return { line, label, unknown: 'inline (heredoc) content is not measured' };
  const sources: string[] = [];
  for (const s of args.sources) {
    const v = input.resolve ? input.resolve(s.value, inst) : { value: s.value, complete: !s.value.includes('$') };
    if (!v.complete) return { line, label, unknown: `\`${s.value}\` depends on build arguments` };
    if (/^(https?:|git@|ssh:)/i.test(v.value) || (keyword === 'ADD' && /\.git$/.test(v.value))) return { line, label, unknown: 'downloaded at build time' };
    if (keyword === 'ADD' && ARCHIVE.test(v.value)) return { line, label, unknown: 'ADD unpacks local archives; the unpacked size is known after a build' };
    sources.push(v.value);
  }
  if ('unknown' in input.context) return { line, label, unknown: input.context.unknown };
  const sel = contextBytes(input.context, sources);
  if (sel.missing.length === sources.length) return { line, label, unknown: `no file in the build context matches ${sel.missing.map((m) => `\`${m}\``).join(', ')} (the build would fail)` };
  return { line, label, bytes: sel.bytes, measure: 'disk', source: `${sel.files} file${sel.files === 1 ? '' : 's'} from the build context${sel.missing.length ? `; nothing matches ${sel.missing.join(', ')}` : ''}` };
}

/** Estimate every stage; never throws for stages it cannot size (they are unknown instead). */
export function estimateImage(input: EstimateInput): ImageEstimate {
  const done: StageEstimate[] = [];
  const previous = new PreviousLayers(input.previousBuild);
  for (const stage of input.stages) {
    const platform = stagePlatform(stage, input);
    const { part: base, facts } = baseOf(stage, input, done, platform);
    const parts: SizePart[] = [];
    for (const inst of stage.instructions) {
      const p = partOf(inst, input, previous);
      if (p) parts.push(p);
    }
    const parent = stage.parent ? done[stage.parent.index] : undefined;
    const unknown = [...(parent?.unknown ?? []), ...[base, ...parts].filter((p) => p.unknown !== undefined)];
    const bytes = [base, ...parts].reduce((n, p) => n + (p.bytes ?? 0), 0);
    const basis = base.measure === 'download' ? 'mixed' : 'disk';
    done[stage.index] = { index: stage.index, name: stage.name, line: base.line, platform, base, baseFacts: facts ?? parent?.baseFacts, parts, bytes, basis, unknown, isFinal: stage.isFinal };
  }
  const stages = input.stages.map((s) => done[s.index]);
  return { stages, final: stages.find((s) => s.isFinal) };
}
