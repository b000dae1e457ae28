// Entry point for Dockerfile analysis: parse once, run every rule, apply settings and pragmas.

import { parsePragmas } from '../engine/pragmas';
import { runRules } from '../engine/runner';
import { resolveSettings, type Finding, type LintSettings } from '../engine/types';
import { buildContext, type DockerfileContext, type FileFacts } from './context';
import { dockerfileRules } from './rules';

/** Options for one Dockerfile analysis. */
export interface DockerfileAnalysisOptions {
  settings?: Partial<LintSettings>;
  files?: FileFacts;
  log?: (message: string) => void;
}

/** Analyse a Dockerfile's text. Never throws; bad input gives findings, not exceptions. */
export function analyzeDockerfile(text: string, opts: DockerfileAnalysisOptions = {}): Finding[] {
  const settings = resolveSettings(opts.settings);
  try {
    return runRules(dockerfileRules, (report) => buildContext(text, settings, opts.files ?? {}, report), {
      settings,
      log: opts.log,
      suppressions: (ctx) => parsePragmas(ctx.lines, (line) => instructionAfter(ctx, line)),
    });
  } catch (e) {
    opts.log?.(`analysis failed: ${(e as Error)?.stack ?? String(e)}`);
    return [];
  }
}

/** The lines of the first instruction that starts after a comment line. */
function instructionAfter(ctx: DockerfileContext, line: number): { startLine: number; endLine: number } | undefined {
  for (const inst of ctx.dockerfile.getInstructions()) {
    const r = inst.getRange();
    if (r.start.line > line) return { startLine: r.start.line, endLine: r.end.line };
  }
  return undefined;
}
