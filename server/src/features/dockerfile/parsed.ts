// The parsed view of an open Dockerfile for hover, symbols, completion and ignore comments:
// dockerfile-ast's parse plus stages with ARG-resolved images. It deliberately skips what the
// rules need and editor requests do not (shell-parsing every RUN), so a completion request on
// each keystroke costs a parse, not an analysis. Memoised per document version.

import { DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lineageOf, splitStages, type StageCore } from '../../analysis/dockerfile/stages';
import { MAX_ANALYSIS_BYTES } from '../../analysis/file-kinds';

/** One build stage as the editor shows it (the analysis context's stage without parsed RUNs). */
export type StageView = StageCore<StageView>;

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
  const { stages, owner } = splitStages<StageView>(dockerfile, (core) => core);
  return {
    dockerfile,
    stages,
    stageOf: (inst) => owner.get(inst),
    lineage: (stage) => lineageOf(stage, stages.length),
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
