// The parsed view of an open Dockerfile for hover, symbols, completion and ignore comments:
// dockerfile-ast's parse plus stages with ARG-resolved images. It deliberately skips what the
// rules need and editor requests do not (shell-parsing every RUN), so a completion request on
// each keystroke costs a parse, not an analysis. Memoised per document version.

import { DockerfileParser, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseImageRef, type ImageRef } from '../../analysis/dockerfile/image-ref';
import { PLATFORM_ARGS, substitute, type Vars } from '../../analysis/dockerfile/variables';
import { MAX_ANALYSIS_BYTES } from '../../analysis/file-kinds';

/** One build stage as the editor shows it. */
export interface StageView {
  index: number;
  /** `AS name` as written. */
  name?: string;
  from: From;
  /** The base image after global ARG substitution. */
  image: string;
  imageResolved: boolean;
  ref?: ImageRef;
  /** The earlier stage this one builds on (`FROM build AS test`). */
  parent?: StageView;
  platform?: string;
  instructions: Instruction[];
  isFinal: boolean;
}

/** A parsed Dockerfile with its stages. */
export interface DockerfileView {
  dockerfile: Dockerfile;
  stages: StageView[];
  stageOf(inst: Instruction): StageView | undefined;
  /** The stage's ancestry through `FROM <stage>`, oldest first. */
  lineage(stage: StageView): StageView[];
}

// Keyed by the document object: TextDocuments updates it in place and drops it on close, so the
// entry lives exactly as long as the open document.
const memo = new WeakMap<TextDocument, { version: number; view: DockerfileView }>();

/** True when a text is too large for analysis and editor features. */
export function tooLarge(text: string): boolean {
  if (text.length * 3 <= MAX_ANALYSIS_BYTES) return false;
  return text.length > MAX_ANALYSIS_BYTES || Buffer.byteLength(text, 'utf8') > MAX_ANALYSIS_BYTES;
}

/** Stages with resolved images, the way the builder reads FROM lines. */
export function viewOf(text: string): DockerfileView {
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs: Vars = new Map();
  for (const a of dockerfile.getInitialARGs()) {
    const p = a.getProperty();
    if (p?.getName()) globalArgs.set(p.getName(), p.getValue() ?? undefined);
  }
  // Platform variables stay as written in --platform: their value is the build's, not a default.
  const platformVars: Vars = new Map([...globalArgs].filter(([k]) => !PLATFORM_ARGS.has(k)));
  const stages: StageView[] = [];
  const byName = new Map<string, StageView>();
  const owner = new Map<Instruction, StageView>();
  let current: StageView | undefined;
  for (const inst of dockerfile.getInstructions()) {
    if (inst.getKeyword() === 'FROM') {
      const from = inst as From;
      const sub = substitute(from.getImage() ?? '', globalArgs);
      const parent = byName.get(sub.value.toLowerCase());
      const plat = from.getPlatformFlag()?.getValue() ?? undefined;
      current = {
        index: stages.length,
        name: from.getBuildStage() ?? undefined,
        from,
        image: sub.value,
        imageResolved: sub.complete,
        ref: parent || !sub.complete || sub.value.toLowerCase() === 'scratch' ? undefined : parseImageRef(sub.value),
        parent,
        platform: plat === undefined ? undefined : substitute(plat, platformVars).value,
        instructions: [],
        isFinal: false,
      };
      stages.push(current);
      owner.set(from, current);
      const key = current.name?.toLowerCase();
      if (key && !byName.has(key)) byName.set(key, current);
    } else if (current) {
      current.instructions.push(inst);
      owner.set(inst, current);
    }
  }
  if (stages.length) stages[stages.length - 1].isFinal = true;
  return {
    dockerfile,
    stages,
    stageOf: (inst) => owner.get(inst),
    lineage(stage) {
      const chain: StageView[] = [];
      for (let s: StageView | undefined = stage; s && chain.length <= stages.length; s = s.parent) chain.unshift(s);
      return chain;
    },
  };
}

/** The parsed document, or undefined when it is too large to parse in a request. */
export function parsedDockerfile(doc: TextDocument): DockerfileView | undefined {
  const hit = memo.get(doc);
  if (hit && hit.version === doc.version) return hit.view;
  const text = doc.getText();
  if (tooLarge(text)) return undefined;
  const view = viewOf(text);
  memo.set(doc, { version: doc.version, view });
  return view;
}
