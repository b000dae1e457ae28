// The outline of a Dockerfile: global ARGs, then one entry per build stage (its name, or its
// image when unnamed) with the stage's instructions as children.

import { SymbolKind, type CancellationToken, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Instruction } from 'dockerfile-ast';
import { parsedDockerfile } from './parsed';

const KINDS: Record<string, SymbolKind> = {
  ARG: SymbolKind.Variable,
  ENV: SymbolKind.Variable,
  LABEL: SymbolKind.Property,
  EXPOSE: SymbolKind.Interface,
  VOLUME: SymbolKind.Field,
  COPY: SymbolKind.File,
  ADD: SymbolKind.File,
  RUN: SymbolKind.Function,
  CMD: SymbolKind.Event,
  ENTRYPOINT: SymbolKind.Event,
  HEALTHCHECK: SymbolKind.Event,
  USER: SymbolKind.Key,
  WORKDIR: SymbolKind.Key,
};

const MAX_NAME = 60;

/** `RUN apt-get update && ...`: the instruction's first line, shortened for the outline. */
function instructionName(inst: Instruction): string {
  // Everything after the keyword, flags included (`COPY --from=build ...` says where it copies from).
  const args = inst.getTextContent().slice(inst.getInstruction().length).split(/\r?\n|\r/)[0].replace(/\\\s*$/, '').trim();
  const name = args ? `${inst.getKeyword()} ${args}` : inst.getKeyword();
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}

function instructionSymbol(inst: Instruction): DocumentSymbol {
  return {
    name: instructionName(inst),
    kind: KINDS[inst.getKeyword()] ?? SymbolKind.Method,
    range: inst.getRange(),
    selectionRange: inst.getInstructionRange(),
  };
}

/** Stages as an outline; empty for documents too large to parse. */
export function dockerfileSymbols(doc: TextDocument, token: CancellationToken): DocumentSymbol[] {
  const ctx = parsedDockerfile(doc);
  if (!ctx || token.isCancellationRequested) return [];
  const out: DocumentSymbol[] = ctx.dockerfile.getInitialARGs().map(instructionSymbol);
  for (const stage of ctx.stages) {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    const named = stage.name !== undefined;
    out.push({
      name: named ? (stage.from.getBuildStage() ?? stage.name!) : stage.image || `stage ${stage.index}`,
      detail: [named ? stage.image : undefined, stage.platform, stage.isFinal ? 'final' : undefined].filter(Boolean).join(' · '),
      kind: SymbolKind.Module,
      range: { start: stage.from.getRange().start, end: last.getRange().end },
      selectionRange: stage.from.getBuildStageRange() ?? stage.from.getImageRange() ?? stage.from.getInstructionRange(),
      children: stage.instructions.map(instructionSymbol),
    });
  }
  return out;
}
