// The parsed view of an open Dockerfile for hover, symbols and completion. Built from the same
// analysis context the rules read (stages with ARG-resolved images), memoised per version so a
// burst of requests on one version parses once.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildContext, type DockerfileContext } from '../../analysis/dockerfile/context';
import { resolveSettings } from '../../analysis/engine/types';
import { MAX_ANALYSIS_BYTES } from '../../analysis/file-kinds';

// Keyed by the document object: TextDocuments updates it in place and drops it on close, so the
// entry lives exactly as long as the open document.
const memo = new WeakMap<TextDocument, { version: number; ctx: DockerfileContext }>();
const noReport = () => undefined;

/** True when a text is too large for analysis and editor features. */
export function tooLarge(text: string): boolean {
  if (text.length * 3 <= MAX_ANALYSIS_BYTES) return false;
  return text.length > MAX_ANALYSIS_BYTES || Buffer.byteLength(text, 'utf8') > MAX_ANALYSIS_BYTES;
}

/** The parsed document, or undefined when it is too large to parse in a request. */
export function parsedDockerfile(doc: TextDocument): DockerfileContext | undefined {
  const hit = memo.get(doc);
  if (hit && hit.version === doc.version) return hit.ctx;
  const text = doc.getText();
  if (tooLarge(text)) return undefined;
  const ctx = buildContext(text, resolveSettings(), {}, noReport);
  memo.set(doc, { version: doc.version, ctx });
  return ctx;
}
