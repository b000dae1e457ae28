// Output of `pier lint`: human text, the documented JSON array, or SARIF 2.1.0.

import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintResult } from './lint-files';
import { allRules } from '../../../server/src/analysis/registry';
import type { Severity } from '../../../server/src/analysis/engine/types';

/** Output formats. */
export type OutputFormat = 'text' | 'json' | 'sarif';

/** Render results in a format; `cwd` makes paths relative in text and SARIF. */
export function formatFindings(results: LintResult[], format: OutputFormat, cwd: string): string {
  if (format === 'json') return toJson(results) + '\n';
  if (format === 'sarif') return JSON.stringify(toSarif(results, cwd), null, 2) + '\n';
  return toText(results, cwd);
}

function toJson(results: LintResult[]): string {
  const rows = results.flatMap((r) =>
    r.findings.map((f) => ({
      file: r.path,
      rule: f.rule,
      hadolint: f.hadolint,
      category: f.category,
      severity: f.severity,
      message: f.message,
      range: f.range,
    })),
  );
  return JSON.stringify(rows, null, 2);
}

function toText(results: LintResult[], cwd: string): string {
  const lines: string[] = [];
  let count = 0;
  for (const r of results) {
    for (const f of r.findings) {
      count++;
      const code = f.hadolint ? ` (${f.hadolint})` : '';
      lines.push(`${relative(cwd, r.path) || r.path}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} [${f.category}] ${f.message} ${f.rule}${code}`);
    }
  }
  const files = results.length;
  lines.push(`${count} finding${count === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function toSarif(results: LintResult[], cwd: string) {
  const rules = allRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const uri = (p: string) => {
    const rel = relative(cwd, p);
    return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : pathToFileURL(p).href;
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pier',
            informationUri: 'https://www.npmjs.com/package/pier',
            semanticVersion: '0.1.0',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.docs },
              fullDescription: { text: r.meta.docs },
              help: { text: `${r.meta.docs}${r.meta.hadolint ? ` Matches hadolint ${r.meta.hadolint}.` : ''}`, markdown: `${r.meta.docs}\n\nSee docs/rules/${r.id}.md.` },
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
              properties: { tags: [r.meta.category, r.language, ...(r.meta.category === 'security' ? ['security'] : [])], precision: 'high' },
            })),
          },
        },
        artifacts: results.map((r) => ({ location: { uri: uri(r.path), uriBaseId: '%SRCROOT%' } })),
        invocations: [
          {
            executionSuccessful: results.every((r) => !r.error),
            toolExecutionNotifications: results
              .filter((r) => r.error)
              .map((r) => ({ level: 'error', message: { text: `${uri(r.path)}: ${r.error}` } })),
          },
        ],
        results: results.flatMap((r, ai) =>
          r.findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: index.get(f.rule) ?? -1,
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uri(r.path), uriBaseId: '%SRCROOT%', index: ai },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
              },
            ],
            partialFingerprints: { primaryLocationLineHash: `${f.rule}:${f.range.start.line + 1}` },
          })),
        ),
      },
    ],
  };
}
