// The kinds of document the server analyses, one entry each. Everything else in features/ is
// generic over this table: diagnostics, code actions and the finding hover work for any entry;
// the optional providers add what only one language knows (instruction hovers, stage outlines).

import { basename, dirname, join } from 'node:path';
import type { CancellationToken, CompletionItem, DiagnosticTag, DocumentSymbol, Hover, Position, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDockerfile } from '../analysis/dockerfile/analyze';
import type { Finding, LintSettings } from '../analysis/engine/types';
import { isDockerfileName, type FileKind } from '../analysis/file-kinds';
import { dockerfileCompletion } from './dockerfile/completion';
import { dockerfileHover } from './dockerfile/hover';
import { dockerfileIgnoreFileEdit, dockerfileIgnoreLineEdit } from './dockerfile/ignore';
import { dockerfileSymbols } from './dockerfile/symbols';
import { dockerfileTags } from './dockerfile/tags';
import { publishedPlatforms } from './size-facts-store';
import { composeKind } from './compose-kind';

/** Contents of files around a document that its analysis reads; null = absent, undefined = unknown. */
export type SideFiles = Record<string, string | null | undefined>;

/** What a provider may know about the client. */
export interface ClientTraits {
  snippets: boolean;
  markdown: boolean;
}

/** One kind of document: how to recognise, analyse and serve it. */
export interface DocumentKind {
  kind: FileKind;
  /** True when this entry handles the document (by language id or file name). */
  matches(uri: string, languageId: string): boolean;
  /**
   * Files next to the document that analysis reads: key in `files` -> candidate paths, the
   * first that exists wins. Untitled documents get `undefined` for every key.
   */
  sideFiles?(documentPath: string): Record<string, string[]>;
  /**
   * Pure analysis; must not throw (the caller still guards it). `documentPath` is the file's
   * path on disk, when it has one (Compose resolves its build contexts and env files from it).
   */
  analyze(text: string, settings: Partial<LintSettings>, files: SideFiles, log: (message: string) => void, documentPath?: string): Finding[];
  /** The comment that suppresses one finding where it is; undefined when no place fits. */
  ignoreLineEdit?(doc: TextDocument, finding: Finding): TextEdit | undefined;
  /** The comment that suppresses a rule in the whole document. */
  ignoreFileEdit?(doc: TextDocument, finding: Finding): TextEdit | undefined;
  /** Diagnostic tags (unnecessary, deprecated) a finding deserves. */
  tags?(doc: TextDocument, finding: Finding): DiagnosticTag[];
  hover?(doc: TextDocument, position: Position, traits: ClientTraits, token: CancellationToken): Hover | null;
  symbols?(doc: TextDocument, token: CancellationToken): DocumentSymbol[];
  completion?(doc: TextDocument, position: Position, traits: ClientTraits, token: CancellationToken): CompletionItem[];
}

/** The last path segment of a URI, decoded (`file:///a/app.Dockerfile` -> `app.Dockerfile`). */
export function uriBaseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const seg = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

const dockerfile: DocumentKind = {
  kind: 'dockerfile',
  // `Dockerfile.dockerignore` fits the `Dockerfile.*` pattern but is BuildKit's ignore file for it.
  matches: (uri, languageId) => {
    const base = uriBaseName(uri);
    return !base.endsWith('.dockerignore') && (languageId === 'dockerfile' || isDockerfileName(base));
  },
  // BuildKit prefers `<name>.dockerignore` next to the Dockerfile over the context's `.dockerignore`.
  sideFiles: (path) => ({ dockerignore: [join(dirname(path), `${basename(path)}.dockerignore`), join(dirname(path), '.dockerignore')] }),
  analyze: (text, settings, files, log) => analyzeDockerfile(text, { settings, files: { dockerignore: files.dockerignore, imagePlatforms: publishedPlatforms() }, log }),
  ignoreLineEdit: dockerfileIgnoreLineEdit,
  ignoreFileEdit: dockerfileIgnoreFileEdit,
  tags: dockerfileTags,
  hover: dockerfileHover,
  symbols: dockerfileSymbols,
  completion: dockerfileCompletion,
};

/** Every document kind, first match wins. */
export const documentKinds: readonly DocumentKind[] = [dockerfile, composeKind];

/** The entry that handles a document, if any. */
export function kindOf(kinds: readonly DocumentKind[], uri: string, languageId: string): DocumentKind | undefined {
  return kinds.find((k) => k.matches(uri, languageId));
}
