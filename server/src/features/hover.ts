// Hover: over a finding, the rule's reason (why it matters on a small device) and a link to its
// docs page; then whatever the document kind adds (instruction keywords, FROM images).

import { MarkupKind, type CancellationToken, type Hover, type MarkupContent, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../analysis/engine/types';
import type { RuleInfo } from '../analysis/registry';
import { ruleDocsUri } from './diagnostics';
import type { ClientTraits, DocumentKind } from './languages';
import { touches } from './code-actions';

let rules: Map<string, RuleInfo> | undefined;

/** A rule's metadata by id. */
export function ruleInfo(id: string): RuleInfo | undefined {
  // The registry holds the Compose rules too: required on the first hover, not at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rules ??= new Map((require('../analysis/registry') as typeof import('../analysis/registry')).allRules().map((r) => [r.id, r]));
  return rules.get(id);
}

function findingText(f: Finding, markdown: boolean): string {
  const info = ruleInfo(f.rule);
  const tags = [f.category, f.severity, f.hadolint ? `hadolint ${f.hadolint}` : ''].filter(Boolean).join(' · ');
  const why = info?.meta.docs ?? '';
  if (!markdown) return [`${f.rule} (${tags})`, f.message, why, ruleDocsUri(f.rule)].filter(Boolean).join('\n');
  return [`**${f.rule}** *(${tags})*`, f.message, why ? `*On a small device:* ${why}` : '', `[Rule documentation](${ruleDocsUri(f.rule)})`].filter(Boolean).join('\n\n');
}

/** Hover at a position: findings first, then the kind's own hover. */
export function hover(doc: TextDocument, kind: DocumentKind, findings: Finding[], pos: Position, traits: ClientTraits, token: CancellationToken): Hover | null {
  const here = findings.filter((f) => touches(f.range, { start: pos, end: pos }));
  const own = kind.hover?.(doc, pos, traits, token) ?? null;
  if (!here.length) return own;
  const parts = here.map((f) => findingText(f, traits.markdown));
  const ownText = own && typeof own.contents === 'object' && 'kind' in own.contents ? (own.contents as MarkupContent).value : '';
  if (ownText) parts.push(ownText);
  const sep = traits.markdown ? '\n\n---\n\n' : '\n\n';
  return { contents: { kind: traits.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: parts.join(sep) }, range: here[0].range };
}
