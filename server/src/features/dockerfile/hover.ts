// Hover over Dockerfile keywords (what the instruction does, and its edge angle) and over FROM
// images (the image the builder will actually pull, after ARG substitution).

import { MarkupKind, type CancellationToken, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { From, Instruction } from 'dockerfile-ast';
import type { DockerfileView, StageView } from './parsed';
import type { ClientTraits } from '../languages';
import { KEYWORD_DOCS } from './keyword-docs';
import { parsedDockerfile } from './parsed';

/** True when `pos` lies in `r` (ends inclusive, so the cursor right after a word counts). */
export function inRange(r: Range | null | undefined, pos: Position): boolean {
  if (!r) return false;
  const afterStart = pos.line > r.start.line || (pos.line === r.start.line && pos.character >= r.start.character);
  const beforeEnd = pos.line < r.end.line || (pos.line === r.end.line && pos.character <= r.end.character);
  return afterStart && beforeEnd;
}

/** The instruction under a position (ONBUILD's trigger is reported as the ONBUILD). */
export function instructionAt(ctx: DockerfileView, pos: Position): Instruction | undefined {
  return ctx.dockerfile.getInstructions().find((i) => inRange(i.getRange(), pos));
}

function keywordHover(inst: Instruction, markdown: boolean): Hover | null {
  const keyword = inst.getKeyword();
  const doc = KEYWORD_DOCS[keyword];
  if (!doc) return null;
  const value = markdown
    ? `**${keyword}**: ${doc.summary}\n\n*On a small device:* ${doc.edge}\n\n\`\`\`dockerfile\n${doc.syntax}\n\`\`\``
    : `${keyword}: ${doc.summary}\n\nOn a small device: ${doc.edge}\n\n${doc.syntax}`;
  return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: inst.getInstructionRange() };
}

function imageLines(ctx: DockerfileView, stage: StageView): string[] {
  const written = stage.from.getImage() ?? '';
  const lines: string[] = [];
  if (stage.parent) {
    const p = stage.parent;
    lines.push(`Builds on stage \`${p.from.getBuildStage() ?? p.index}\` (line ${p.from.getRange().start.line + 1}), whose base is \`${ctx.lineage(p)[0].image}\`.`);
  } else if (stage.image.toLowerCase() === 'scratch') {
    lines.push('`scratch`: an empty image; only what this stage copies in ships.');
  } else {
    lines.push(stage.imageResolved ? `Image: \`${stage.image}\`` : `Image: \`${stage.image}\` (some variables have no default, so the builder needs \`--build-arg\`)`);
    if (written !== stage.image) lines.push(`Written as \`${written}\`; build arguments substituted.`);
    const ref = stage.ref;
    if (ref) {
      const parts = [`registry \`${ref.registry}\``, `repository \`${ref.repository}\``];
      if (ref.tag) parts.push(`tag \`${ref.tag}\``);
      if (ref.digest) parts.push(`digest \`${ref.digest.slice(0, 19)}…\``);
      if (!ref.tag && !ref.digest) parts.push('no tag (the builder uses `latest`)');
      lines.push(parts.join(', '));
    }
  }
  if (stage.platform !== undefined) lines.push(`Platform: \`${stage.platform}\``);
  lines.push(stage.isFinal ? 'This is the final stage: it is the image that ships.' : `Stage ${stage.index}${stage.name ? ` \`${stage.from.getBuildStage()}\`` : ''}: only what later stages copy out of it ships.`);
  return lines;
}

function fromHover(ctx: DockerfileView, from: From, pos: Position, markdown: boolean): Hover | null {
  const imageRange = from.getImageRange();
  const platformRange = from.getPlatformFlag()?.getRange();
  if (!inRange(imageRange, pos) && !inRange(platformRange, pos)) return null;
  const stage = ctx.stages.find((s) => s.from === from);
  if (!stage) return null;
  const lines = imageLines(ctx, stage);
  const value = markdown ? lines.join('\n\n') : lines.join('\n').replace(/`/g, '');
  return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: inRange(imageRange, pos) ? imageRange! : platformRange! };
}

/** Hover for keywords and FROM images; null elsewhere. */
export function dockerfileHover(doc: TextDocument, pos: Position, traits: ClientTraits, token: CancellationToken): Hover | null {
  const ctx = parsedDockerfile(doc);
  if (!ctx || token.isCancellationRequested) return null;
  const inst = instructionAt(ctx, pos);
  if (!inst) return null;
  if (inRange(inst.getInstructionRange(), pos)) return keywordHover(inst, traits.markdown);
  if (inst.getKeyword() === 'FROM') return fromHover(ctx, inst as From, pos, traits.markdown);
  return null;
}
