// `pier lint`: the language server's analysis for CI, as text, JSON or SARIF.

import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand } from './command';
import { lintFile, findLintTargets, loadLintConfig, useOnlineFacts } from './lint-files';
import { SizeFacts } from '../../../server/src/size/size-facts';
import { formatFindings, type OutputFormat } from './lint-format';
import { severityRank, type Severity } from '../../../server/src/analysis/engine/types';

const HELP = `usage: pier lint [--format text|json|sarif] [--platform P] [--config F] [--fail-level L] [--online] PATH...

Analyses Dockerfiles and Compose files. Directories are searched for them.
  --format      text (default), json or sarif (SARIF 2.1.0 for code scanning)
  --platform    target platform, repeatable (default linux/arm64)
  --config      a .hadolint.yaml or pier lint config (default: .hadolint.yaml found upwards)
  --fail-level  error (default), warning, info, hint or none: exit 1 when a finding is at or above it
  --online      ask registries (3 s deadline, cached in ~/.cache/pier/size) which platforms base
                images are published for, as the editor does, for base-image-platform-missing
`;

/** `pier lint` */
export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'analyse Dockerfiles and Compose files (text, JSON or SARIF)',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        platform: { type: 'string', multiple: true },
        config: { type: 'string' },
        'fail-level': { type: 'string', default: 'error' },
        online: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const format = values.format as OutputFormat;
    if (!['text', 'json', 'sarif'].includes(format)) throw new Error(`unknown --format '${values.format}'`);
    const failLevel = values['fail-level'] as Severity | 'none';
    if (failLevel !== 'none' && !(failLevel in severityRank)) throw new Error(`unknown --fail-level '${failLevel}'`);
    if (!positionals.length) {
      process.stderr.write(HELP);
      return 2;
    }
    let configText: string | undefined;
    if (values.config) configText = await readFile(values.config, 'utf8');
    useOnlineFacts(values.online ? new SizeFacts({ log: (m) => process.stderr.write(`pier lint: ${m}\n`) }) : undefined);
    const targets = await findLintTargets(positionals.map((p) => resolve(p)), (m) => process.stderr.write(`pier lint: ${m}\n`));
    const results = [];
    let errors = 0;
    for (const t of targets) {
      const settings = await loadLintConfig(t.path, configText, values.platform);
      const r = await lintFile(t, settings);
      if (r.error) {
        errors++;
        process.stderr.write(`pier lint: ${t.path}: ${r.error}\n`);
      }
      results.push(r);
    }
    process.stdout.write(formatFindings(results, format, process.cwd()));
    const all = results.flatMap((r) => r.findings);
    const failed = failLevel !== 'none' && all.some((f) => severityRank[f.severity] >= severityRank[failLevel]);
    return failed || errors ? 1 : 0;
  },
};

