// After a build: the measured size of each instruction's layer next to its line (`+182 MB`), the
// largest ones marked, with waste and the record's origin in hover.

import { InlayHintKind, MarkupKind, type InlayHint } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { instructionKey } from '../analysis/size/estimate';
import { formatBytes, formatDelta } from '../analysis/size/format';
import type { BuildRecord } from '../analysis/size/types';

/** How many of the largest layers are marked. */
const LARGEST = 3;

/** Hints for each line a build record still finds in the document (by instruction text). */
export function layerHints(doc: TextDocument, record: BuildRecord | undefined): InlayHint[] {
  if (!record?.layers.length) return [];
  const text = doc.getText();
  const lines = text.split(/\r?\n/);
  // Instruction texts of the document by their first line, continuation lines joined.
  const at = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*[A-Za-z]+\s/.test(lines[i])) continue;
    let full = lines[i];
    let j = i;
    while (/\\\s*$/.test(lines[j]) && j + 1 < lines.length) full += '\n' + lines[++j];
    const key = instructionKey(full);
    at.set(key, [...(at.get(key) ?? []), i]);
  }
  const ranked = [...record.layers].filter((l) => l.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  const largest = new Set(ranked.slice(0, LARGEST));
  const out: InlayHint[] = [];
  for (const l of record.layers) {
    const line = at.get(l.instruction)?.shift();
    if (line === undefined) continue;
    const big = largest.has(l) && l.bytes >= 1_000_000;
    const share = record.totalBytes ? Math.round((100 * l.bytes) / record.totalBytes) : 0;
    const label = `${formatDelta(l.bytes)}${big ? ` ▲ ${share}%` : ''}${l.wastedBytes ? ` (${formatBytes(l.wastedBytes)} wasted)` : ''}`;
    const tip = [
      `**${formatDelta(l.bytes)}** in \`${record.image}\`${record.platform ? ` (${record.platform})` : ''}, built ${record.date.slice(0, 16).replace('T', ' ')}`,
      big ? `One of the ${LARGEST} largest layers: ${share}% of the image.` : '',
      l.wastedBytes ? `${formatBytes(l.wastedBytes)} of it is overwritten or deleted by later layers: it is still downloaded and stored. Run "Pier: Show Image Size Breakdown" for the paths.` : '',
    ].filter(Boolean);
    out.push({ position: { line, character: lines[line].length }, label, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: { kind: MarkupKind.Markdown, value: tip.join('\n\n') } });
  }
  return out;
}
