// The Compose entry of the server's document-kind table: analysis with the files around the
// Compose file, YAML-aware suppression comments, and LSP shapes for the pure hover, completion
// and outline functions in analysis/compose.

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  CompletionItemKind,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeCompose, composeFileNeeds } from '../analysis/compose/analyze';
import { composeCompletion } from '../analysis/compose/completion';
import type { ComposeFileFacts } from '../analysis/compose/context';
import { composeHover } from '../analysis/compose/hover';
import { composeSymbols, type ComposeSymbol } from '../analysis/compose/symbols';
import type { Finding, LintSettings } from '../analysis/engine/types';
import { MAX_ANALYSIS_BYTES } from '../analysis/file-kinds';
import { fsPathOf } from './project-files';
import { isComposeDocument } from './compose-kind';
import type { DocumentKind, SideFiles } from './languages';

const FACT_TTL_MS = 2000;
const facts = new Map<string, { at: number; value: unknown }>();

/** A small time-limited cache: a Compose file is re-analysed on every edit, its Dockerfiles rarely change. */
function cached<T>(key: string, read: () => T): T {
  const hit = facts.get(key);
  if (hit && Date.now() - hit.at < FACT_TTL_MS) return hit.value as T;
  const value = read();
  facts.set(key, { at: Date.now(), value });
  if (facts.size > 512) facts.delete(facts.keys().next().value as string);
  return value;
}

function kindAt(p: string): 'file' | 'dir' | null {
  return cached(`kind\0${p}`, () => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return null;
    }
  });
}

function textAt(p: string): string | null {
  return cached(`text\0${p}`, () => {
    try {
      if (statSync(p).size > MAX_ANALYSIS_BYTES) return null;
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  });
}

/** The facts a Compose analysis needs, read (synchronously, cached briefly) from around the document. */
export function composeFactsFor(text: string, documentPath: string | undefined, dotenv: string | null | undefined): ComposeFileFacts {
  if (!documentPath) return { dotenv };
  const dir = dirname(documentPath);
  const abs = (k: string) => (isAbsolute(k) ? k : join(dir, k));
  const needs = composeFileNeeds(text, dotenv);
  const paths: Record<string, 'file' | 'dir' | null> = {};
  const dockerfiles: Record<string, string | null> = {};
  for (const k of needs.paths) paths[k] = kindAt(abs(k));
  for (const k of needs.dockerfiles) dockerfiles[k] = textAt(abs(k));
  return { path: documentPath, dotenv, paths, dockerfiles };
}

/** Analyse a Compose document with its side files. */
export function analyzeComposeDocument(text: string, settings: Partial<LintSettings>, files: SideFiles, log: (m: string) => void, documentPath?: string): Finding[] {
  return analyzeCompose(text, { settings, files: composeFactsFor(text, documentPath, files.dotenv), log });
}

const LINE_PRAGMA = /^(\s*#\s*pier-ignore\s+)([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/d;

function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

function lineOf(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

/**
 * `# pier-ignore <id> -- reason` on its own line above the key or list item where the finding
 * starts, at its indentation (it then covers that key's whole span), or merged into a pragma
 * already there.
 */
export function composeIgnoreLineEdit(doc: TextDocument, finding: Finding): TextEdit | undefined {
  let line = finding.range.start.line;
  // A finding inside a multi-line flow value starts on a line that may not begin a key; walk up
  // to the line that does.
  while (line > 0 && !/^\s*(-\s|[^\s#-][^:]*:(\s|$)|-$)/.test(lineOf(doc, line))) line--;
  const above = line > 0 ? LINE_PRAGMA.exec(lineOf(doc, line - 1)) : null;
  if (above?.indices?.[2]) {
    if (above[2].split(/\s*,\s*/).includes(finding.rule)) return undefined;
    const at = { line: line - 1, character: above.indices[2][1] };
    return { range: { start: at, end: at }, newText: `,${finding.rule}` };
  }
  const indent = /^[ ]*/.exec(lineOf(doc, line))![0];
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# pier-ignore ${finding.rule} -- reason${eolOf(doc.getText())}` };
}

/** `# pier-ignore-file <id> -- reason` as the first line. */
export function composeIgnoreFileEdit(doc: TextDocument, finding: Finding): TextEdit | undefined {
  const at = { line: 0, character: 0 };
  return { range: { start: at, end: at }, newText: `# pier-ignore-file ${finding.rule} -- reason${eolOf(doc.getText())}` };
}

/** Schema hover, with `.env` values for variables. */
export function composeHoverProvider(doc: TextDocument, position: { line: number; character: number }, traits: { markdown: boolean }): Hover | null {
  const path = fsPathOf(doc.uri);
  const dotenv = path ? textAt(join(dirname(path), '.env')) : undefined;
  const h = composeHover(doc.getText(), position, dotenv);
  if (!h) return null;
  return { contents: { kind: traits.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: traits.markdown ? h.markdown : h.markdown.replace(/[*`]/g, '') }, range: h.range };
}

/** Keys and values from the schema at the cursor. */
export function composeCompletionProvider(doc: TextDocument, position: { line: number; character: number }, traits: { markdown: boolean }): CompletionItem[] {
  return composeCompletion(doc.getText(), position).map((c, i) => ({
    label: c.label,
    kind: c.kind === 'property' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
    detail: c.detail,
    documentation: c.documentation ? { kind: traits.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: c.documentation } : undefined,
    tags: c.deprecated ? [1] : undefined,
    sortText: `${c.deprecated ? '1' : '0'}${String(i).padStart(3, '0')}`,
    textEdit: { range: c.range, newText: c.insertText },
  }));
}

const SYMBOL_KINDS: Record<ComposeSymbol['kind'], SymbolKind> = {
  group: SymbolKind.Namespace,
  service: SymbolKind.Class,
  network: SymbolKind.Interface,
  volume: SymbolKind.Struct,
  secret: SymbolKind.Key,
  config: SymbolKind.File,
  model: SymbolKind.Object,
};

/** Services, networks, volumes, secrets, configs and models. */
export function composeSymbolProvider(doc: TextDocument): DocumentSymbol[] {
  const convert = (s: ComposeSymbol): DocumentSymbol => ({
    name: s.name || '""',
    kind: SYMBOL_KINDS[s.kind],
    detail: s.detail,
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(convert),
  });
  return composeSymbols(doc.getText()).map(convert);
}

/** The Compose entry for the server's document-kind table. */
export const composeKind: DocumentKind = {
  kind: 'compose',
  matches: isComposeDocument,
  sideFiles: (path) => ({ dotenv: [join(dirname(path), '.env')] }),
  analyze: analyzeComposeDocument,
  ignoreLineEdit: composeIgnoreLineEdit,
  ignoreFileEdit: composeIgnoreFileEdit,
  hover: (doc, pos, traits) => composeHoverProvider(doc, pos, traits),
  symbols: (doc) => composeSymbolProvider(doc),
  completion: (doc, pos, traits) => composeCompletionProvider(doc, pos, traits),
};
