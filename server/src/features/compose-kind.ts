// The Compose entry of the server's document-kind table, as the table sees it: recognising a
// Compose file is cheap, everything else (the YAML model, the rules, ajv and the schema) lives in
// compose.ts and is loaded when the first Compose file is served, so a server that only ever sees
// Dockerfiles starts without it.

import type { DocumentKind } from './languages';
import { isComposeName } from '../analysis/file-kinds';

/** True for documents the Compose entry serves: by language id, or by file name. */
export function isComposeDocument(uri: string, languageId: string): boolean {
  const base = uri.replace(/[?#].*$/, '').split('/').pop() ?? '';
  let name = base;
  try {
    name = decodeURIComponent(base);
  } catch {
    /* keep the raw segment */
  }
  return languageId === 'dockercompose' || isComposeName(name);
}

let loaded: DocumentKind | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const impl = (): DocumentKind => (loaded ??= (require('./compose') as typeof import('./compose')).composeKind);

/** The Compose entry; its providers load Compose support on first use. */
export const composeKind: DocumentKind = {
  kind: 'compose',
  matches: isComposeDocument,
  sideFiles: (path) => impl().sideFiles!(path),
  analyze: (text, settings, files, log, path) => impl().analyze(text, settings, files, log, path),
  ignoreLineEdit: (doc, finding) => impl().ignoreLineEdit?.(doc, finding),
  ignoreFileEdit: (doc, finding) => impl().ignoreFileEdit?.(doc, finding),
  hover: (doc, position, traits, token) => impl().hover?.(doc, position, traits, token) ?? null,
  symbols: (doc, token) => impl().symbols?.(doc, token) ?? [],
  completion: (doc, position, traits, token) => impl().completion?.(doc, position, traits, token) ?? [],
};
