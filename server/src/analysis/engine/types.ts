// Plain data types shared by every analysis. Positions are 0-based, as in LSP, so findings
// travel to the editor, the CLI's JSON and SARIF without conversion.

/** The four kinds of hint Pier gives. */
export type Category = 'size' | 'security' | 'edge' | 'correctness';

/** How loud a finding is; `error` only for what the builder or Compose rejects. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A 0-based line/character position (UTF-16 code units, like LSP). */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range between two positions. */
export interface Range {
  start: Position;
  end: Position;
}

/** One replacement in the analysed document. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: a title and the edits that make it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** Another place that explains a finding (possibly in another file). */
export interface Related {
  message: string;
  range: Range;
  /** Absolute file path; absent means the same document. */
  file?: string;
}

/** A finding as rules report it; the runner fills in rule metadata. */
export interface Report {
  range: Range;
  message: string;
  /** A softer severity for this finding than the rule's own (e.g. a likely-harmless variant); a severity the user configured for the rule wins. */
  severity?: Severity;
  fixes?: Fix[];
  related?: Related[];
}

/** A finding after the runner applied metadata, settings and suppressions. */
export interface Finding extends Report {
  rule: string;
  category: Category;
  severity: Severity;
  hadolint: string | null;
}

/** Metadata every rule carries; docs/rules/<id>.md holds the long form. */
export interface RuleMeta {
  category: Category;
  severity: Severity;
  /** The hadolint code when the rule matches one of hadolint's checks. */
  hadolint?: string;
  fixable: boolean;
  /** One sentence: why this matters on a small device. */
  docs: string;
}

/** A rule: pure, parsed input in, reports out. */
export interface Rule<Ctx> {
  id: string;
  meta: RuleMeta;
  check(ctx: Ctx): void;
}

/** Identity helper that gives rules their type. */
export function defineRule<Ctx>(rule: Rule<Ctx>): Rule<Ctx> {
  return rule;
}

/** Settings that shape an analysis run (from `pier.lint.*`, .hadolint.yaml and CLI flags). */
export interface LintSettings {
  /** Rule id or hadolint code -> severity or 'off'. */
  rules: Record<string, Severity | 'off'>;
  categories: Record<Category, boolean>;
  targetPlatforms: string[];
  trustedRegistries: string[];
}

/** Defaults; package.json contributes the same values to VS Code. */
export const defaultSettings: LintSettings = {
  rules: {},
  categories: { size: true, security: true, edge: true, correctness: true },
  targetPlatforms: ['linux/arm64'],
  trustedRegistries: [],
};

/** Merge partial settings over the defaults, tolerating junk values from user config. */
export function resolveSettings(partial?: Partial<LintSettings> | null): LintSettings {
  const p = partial ?? {};
  const arr = (v: unknown, d: string[]) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : d;
  return {
    rules: { ...(typeof p.rules === 'object' && p.rules ? p.rules : {}) },
    categories: { ...defaultSettings.categories, ...(typeof p.categories === 'object' && p.categories ? p.categories : {}) },
    targetPlatforms: arr(p.targetPlatforms, defaultSettings.targetPlatforms),
    trustedRegistries: arr(p.trustedRegistries, defaultSettings.trustedRegistries),
  };
}

/** Severity order for comparisons (`--fail-level`). */
export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
