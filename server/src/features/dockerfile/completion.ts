// Completion in Dockerfiles: instruction keywords (as snippets), the flags each instruction
// takes, `--platform=` values with the device platforms first, `--mount=type=` kinds, and
// stage names after `--from=` and `FROM`.

import { CompletionItemKind, InsertTextFormat, MarkupKind, type CancellationToken, type CompletionItem, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileView } from './parsed';
import type { ClientTraits } from '../languages';
import { inRange, instructionAt } from './hover';
import { KEYWORD_DOCS } from './keyword-docs';
import { FLAGS, FLAG_VALUES, KEYWORD_SNIPPETS, PLATFORMS } from './completion-data';
import { parsedDockerfile } from './parsed';

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
const NOT_IN_ONBUILD = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

function keywordItems(range: Range, traits: ClientTraits, exclude?: Set<string>): CompletionItem[] {
  return KEYWORD_SNIPPETS.filter((s) => !exclude?.has(s.keyword)).map((s, i) => {
    const doc = KEYWORD_DOCS[s.keyword];
    const snippet = traits.snippets && s.snippet;
    return {
      label: s.label ?? s.keyword,
      kind: s.label ? CompletionItemKind.Snippet : CompletionItemKind.Keyword,
      detail: s.detail ?? doc?.syntax,
      documentation: doc ? { kind: traits.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: `${doc.summary}\n\n${doc.edge}` } : undefined,
      filterText: s.keyword,
      sortText: String(i).padStart(3, '0'),
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range, newText: snippet ? s.snippet! : `${s.keyword} ` },
    };
  });
}

function valueItems(values: readonly { value: string; detail?: string }[], range: Range, kind: CompletionItemKind): CompletionItem[] {
  return values.map((v, i) => ({ label: v.value, kind, detail: v.detail, sortText: String(i).padStart(3, '0'), textEdit: { range, newText: v.value } }));
}

/** Stage names (and indexes of unnamed stages) defined before an instruction. */
function stagesBefore(ctx: DockerfileView, inst: Instruction | undefined, pos: Position): { value: string; detail?: string }[] {
  const line = inst ? inst.getRange().start.line : pos.line;
  const own = inst && ctx.stageOf(inst);
  return ctx.stages
    .filter((s) => s.from.getRange().start.line < line && s !== own)
    .map((s) => ({ value: s.from.getBuildStage() ?? String(s.index), detail: s.image }));
}

/** Completions for a flag's value (`--platform=li`), or undefined when `word` is not one. */
function flagValueItems(ctx: DockerfileView, inst: Instruction, word: string, pos: Position): CompletionItem[] | undefined {
  const m = /^--([a-z-]+)=(.*)$/i.exec(word);
  if (!m) return undefined;
  const name = m[1].toLowerCase();
  const value = m[2];
  const start = { line: pos.line, character: pos.character - value.length };
  const range = { start, end: pos };
  if (name === 'platform') return valueItems(PLATFORMS, range, CompletionItemKind.EnumMember);
  if (name === 'from') return valueItems(stagesBefore(ctx, inst, pos), range, CompletionItemKind.Reference);
  if (name === 'mount') {
    // Complete only the `type=` part; the rest of a mount spec depends on the type.
    const t = /^(.*\btype=)([a-z]*)$/i.exec(value);
    if (t) return valueItems(FLAG_VALUES['mount-type'], { start: { line: pos.line, character: pos.character - t[2].length }, end: pos }, CompletionItemKind.EnumMember);
    if (value === '') return valueItems(FLAG_VALUES.mount, range, CompletionItemKind.Snippet);
    return [];
  }
  return valueItems(FLAG_VALUES[name] ?? [], range, CompletionItemKind.EnumMember);
}

/** Flags the instruction takes that are not written yet (`--mount` may repeat). */
function flagItems(inst: Instruction, word: string, pos: Position): CompletionItem[] {
  const flags = FLAGS[inst.getKeyword()] ?? [];
  const used = new Set(((inst as { getFlags?: () => Array<{ getName(): string; getRange(): Range }> }).getFlags?.() ?? []).filter((f) => !inRange(f.getRange(), pos)).map((f) => f.getName().toLowerCase()));
  const range = { start: { line: pos.line, character: pos.character - word.length }, end: pos };
  return flags
    .filter((f) => f.repeatable || !used.has(f.name))
    .map((f, i) => ({
      label: `--${f.name}`,
      kind: CompletionItemKind.Property,
      detail: f.detail,
      sortText: String(i).padStart(3, '0'),
      textEdit: { range, newText: f.takesValue ? `--${f.name}=` : `--${f.name}` },
      command: f.takesValue && (FLAG_VALUES[f.name] || f.name === 'platform' || f.name === 'from' || f.name === 'mount') ? RETRIGGER : undefined,
    }));
}

/** True when nothing but flags precedes `col` on the instruction (flags must come first). */
function inFlagPosition(inst: Instruction, pos: Position, wordStart: number): boolean {
  const args = inst.getArguments();
  return !args.some((a) => {
    const s = a.getRange().start;
    return (s.line < pos.line || (s.line === pos.line && s.character < wordStart)) && !a.getValue().startsWith('--');
  });
}

/** Completion items at a position; empty where nothing fits. */
export function dockerfileCompletion(doc: TextDocument, pos: Position, traits: ClientTraits, token: CancellationToken): CompletionItem[] {
  const ctx = parsedDockerfile(doc);
  if (!ctx || token.isCancellationRequested) return [];
  const prefix = doc.getText({ start: { line: pos.line, character: 0 }, end: pos });
  const word = /\S*$/.exec(prefix)![0];
  const wordRange = { start: { line: pos.line, character: pos.character - word.length }, end: pos };
  const inst = instructionAt(ctx, pos);
  // A blank line, a comment-free line start, or the keyword itself: complete instructions.
  if (!inst || inst.getRange().start.line > pos.line) {
    return /^\s*[A-Za-z]*$/.test(prefix) ? keywordItems(wordRange, traits) : [];
  }
  if (inRange(inst.getInstructionRange(), pos) && /^\s*[A-Za-z]*$/.test(prefix)) return keywordItems(wordRange, traits);
  const keyword = inst.getKeyword();
  if (keyword === 'ONBUILD' && /^\s*ONBUILD\s+[A-Za-z]*$/i.test(prefix)) return keywordItems(wordRange, traits, NOT_IN_ONBUILD);
  const values = flagValueItems(ctx, inst, word, pos);
  if (values) return values;
  const wordStart = pos.character - word.length;
  if (word.startsWith('-') && inFlagPosition(inst, pos, wordStart)) return flagItems(inst, word, pos);
  if (keyword === 'FROM' && !word.startsWith('-') && inFlagPosition(inst, pos, wordStart)) {
    return valueItems(stagesBefore(ctx, inst, pos), wordRange, CompletionItemKind.Reference);
  }
  return [];
}
