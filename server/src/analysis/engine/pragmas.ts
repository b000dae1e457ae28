// Suppression comments: hadolint's (`# hadolint ignore=DL3008`, `# hadolint global ignore=...`)
// and Pier's own (`# pier-ignore <id>[,<id>] -- reason`, `# pier-ignore-file <id> -- reason`).

import type { LineIndex } from './text';

/** A suppression that applies to lines [startLine, endLine]; whole-file ones have no lines. */
export interface Suppression {
  ids: Set<string>;
  startLine?: number;
  endLine?: number;
  /** The comment's own line, for "unused suppression" reporting and fixes. */
  line: number;
}

/** Which lines the construct after a comment spans (an instruction, a YAML key); undefined if none. */
export type SpanAfter = (commentLine: number) => { startLine: number; endLine: number } | undefined;

const HADOLINT = /^\s*#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*$/;
const PIER = /^\s*#\s*pier-ignore(-file)?\s+([A-Za-z0-9_,\s-]+?)\s*(?:--.*)?$/;

/** Find every suppression comment in a text. */
export function parsePragmas(lines: LineIndex, spanAfter: SpanAfter): Suppression[] {
  const out: Suppression[] = [];
  for (let line = 0; line < lines.lineCount; line++) {
    const t = lines.lineText(line);
    if (!t.includes('#')) continue;
    const h = HADOLINT.exec(t);
    const p = h ? undefined : PIER.exec(t);
    const m = h ?? p;
    if (!m) continue;
    const ids = new Set(m[2].split(/[\s,]+/).filter(Boolean));
    if (!ids.size) continue;
    if (m[1]) {
      out.push({ ids, line });
    } else {
      const span = spanAfter(line);
      if (span) out.push({ ids, line, startLine: span.startLine, endLine: span.endLine });
    }
  }
  return out;
}

/** True when a finding of `rule` (or its hadolint code) at `line` is suppressed. */
export function isSuppressed(sups: Suppression[], rule: string, hadolint: string | null, line: number): boolean {
  for (const s of sups) {
    if (!s.ids.has(rule) && !(hadolint && s.ids.has(hadolint)) && !s.ids.has('all')) continue;
    if (s.startLine === undefined) return true;
    if (line >= s.startLine && line <= s.endLine!) return true;
  }
  return false;
}
