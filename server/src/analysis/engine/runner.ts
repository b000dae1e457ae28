// Runs a set of rules over one context, applying settings (severity, off, categories) and
// suppressions. A rule that throws is logged and skipped; the analysis still returns.

import { NotLoaded } from './deferred';
import { isSuppressed, type Suppression } from './pragmas';
import type { Finding, LintSettings, Report, Rule, Severity } from './types';

/** Options for one run. */
export interface RunOptions<C> {
  settings: LintSettings;
  /** Suppression comments, read from the built context. */
  suppressions: (ctx: C) => Suppression[];
  /** Where rule failures go (the server's log, the CLI's stderr). */
  log?: (message: string) => void;
}

/** The severity a rule runs at under the settings, or 'off'. */
export function effectiveSeverity<C>(rule: Rule<C>, settings: LintSettings): Severity | 'off' {
  if (settings.categories[rule.meta.category] === false) return 'off';
  const byId = settings.rules[rule.id];
  if (byId) return byId;
  const byCode = rule.meta.hadolint ? settings.rules[rule.meta.hadolint] : undefined;
  return byCode ?? rule.meta.severity;
}

/** Run `rules` with a context built by `makeContext(report)`; returns findings sorted by position. */
export function runRules<C>(rules: readonly Rule<C>[], makeContext: (report: (r: Report) => void) => C, opts: RunOptions<C>): Finding[] {
  const findings: Finding[] = [];
  let current: Rule<C> | undefined;
  let severity: Severity = 'warning';
  let configured = false;
  let sups: Suppression[] = [];
  const ctx = makeContext((r) => {
    if (!current) return;
    const hadolint = current.meta.hadolint ?? null;
    if (isSuppressed(sups, current.id, hadolint, r.range.start.line)) return;
    findings.push({ ...r, rule: current.id, category: current.meta.category, severity: !configured && r.severity ? r.severity : severity, hadolint });
  });
  sups = opts.suppressions(ctx);
  for (const rule of rules) {
    const sev = effectiveSeverity(rule, opts.settings);
    if (sev === 'off') continue;
    current = rule;
    severity = sev;
    configured = Boolean(opts.settings.rules[rule.id] ?? (rule.meta.hadolint ? opts.settings.rules[rule.meta.hadolint] : undefined));
    const before = findings.length;
    try {
      rule.check(ctx);
    } catch (e) {
      // A held-back part (the shell parser): this rule runs in the complete round instead.
      if (e instanceof NotLoaded) {
        findings.length = before;
        continue;
      }
      opts.log?.(`rule ${rule.id} failed and was skipped: ${(e as Error)?.stack ?? String(e)}`);
    }
  }
  current = undefined;
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
  return findings;
}
