// Entry point for Compose analysis: parse once, run every Compose rule, apply settings and
// `# pier-ignore` pragmas (a pragma on the line before a key covers that key's whole span).

import { isMap, isScalar, isSeq, visit, type Node } from 'yaml';
import { parsePragmas } from '../engine/pragmas';
import { runRules } from '../engine/runner';
import { resolveSettings, type Finding, type LintSettings } from '../engine/types';
import { buildComposeContext, pathKey, type ComposeContext, type ComposeFileFacts } from './context';
import { composeRules } from './rules';
import { nodeSpan, parseYaml, YamlReader } from './yaml-doc';
import { interpolate, parseDotenv } from './interpolation';

/** Options for one Compose analysis. */
export interface ComposeAnalysisOptions {
  settings?: Partial<LintSettings>;
  files?: ComposeFileFacts;
  log?: (message: string) => void;
}

/** Analyse a Compose file's text. Never throws; bad input gives findings, not exceptions. */
export function analyzeCompose(text: string, opts: ComposeAnalysisOptions = {}): Finding[] {
  const settings = resolveSettings(opts.settings);
  try {
    return runRules(composeRules, (report) => buildComposeContext(text, settings, opts.files ?? {}, report), {
      settings,
      log: opts.log,
      suppressions: (ctx) => parsePragmas(ctx.lines, spanIndex(ctx)),
    });
  } catch (e) {
    opts.log?.(`compose analysis failed: ${(e as Error)?.stack ?? String(e)}`);
    return [];
  }
}

/** Lines each key or list item spans, by its first line; the widest wins when several start there. */
function spanIndex(ctx: ComposeContext): (line: number) => { startLine: number; endLine: number } | undefined {
  const spans = new Map<number, number>();
  const add = (start: number, end: number) => {
    const s = ctx.lines.positionAt(start).line;
    let e = ctx.lines.positionAt(Math.max(start, end)).line;
    // A value's span often ends at the start of the next line; that line is not part of it.
    if (e > s && ctx.lines.positionAt(end).character === 0) e--;
    spans.set(s, Math.max(spans.get(s) ?? s, e));
  };
  visit(ctx.doc, {
    Pair(_k, pair) {
      const ks = nodeSpan(pair.key);
      const vs = nodeSpan(pair.value);
      if (ks) add(ks[0], vs ? vs[1] : ks[1]);
    },
    Seq(_k, seq) {
      for (const it of seq.items) {
        const s = nodeSpan(it);
        if (s) add(s[0], s[1]);
      }
    },
  });
  return (line) => {
    for (let l = line + 1; l < ctx.lines.lineCount; l++) {
      const t = ctx.lines.lineText(l).trim();
      if (t === '' || t.startsWith('#')) continue;
      const end = spans.get(l);
      return { startLine: l, endLine: end ?? l };
    }
    return undefined;
  };
}

/** Files an analysis of this text would like to know about, as path keys relative to its folder. */
export interface ComposeFileNeeds {
  /** Paths whose existence matters (env files, build contexts, Dockerfiles). */
  paths: string[];
  /** Dockerfiles whose text the analysis reads. */
  dockerfiles: string[];
}

/**
 * What to read from disk before `analyzeCompose` (pure: the caller does the reading). Pass the
 * `.env` text when known, so interpolated paths resolve.
 */
export function composeFileNeeds(text: string, dotenv?: string | null): ComposeFileNeeds {
  const out: ComposeFileNeeds = { paths: [], dockerfiles: [] };
  try {
    const doc = parseYaml(text);
    const y = new YamlReader(doc);
    const vars = dotenv === undefined ? undefined : parseDotenv(dotenv ?? '');
    const str = (n: unknown): string | undefined => {
      const s = y.scalar(n);
      if (!s || typeof s.value !== 'string') return undefined;
      const r = interpolate(s.value, vars);
      return r.complete ? r.value : undefined;
    };
    const add = (list: string[], p: string) => {
      if (!list.includes(p) && list.length < 500) list.push(p);
    };
    for (const p of y.pairs(y.get(doc.contents, 'services'))) {
      const svc = y.deref(p.value);
      if (!isMap(svc)) continue;
      const build = y.get(svc, 'build');
      if (build !== undefined) {
        const ctxPath = isScalar(build) ? str(build) : isMap(build) ? (y.get(build, 'context') === undefined ? '.' : str(y.get(build, 'context'))) : undefined;
        const df = isMap(build) ? (y.get(build, 'dockerfile') === undefined ? 'Dockerfile' : str(y.get(build, 'dockerfile'))) : 'Dockerfile';
        if (ctxPath !== undefined && !/^(https?:|git@|git:|ssh:)/.test(ctxPath)) {
          add(out.paths, pathKey(ctxPath || '.'));
          if (df !== undefined && !(isMap(build) && y.get(build, 'dockerfile_inline') !== undefined)) {
            const key = pathKey(df, pathKey(ctxPath || '.'));
            add(out.paths, key);
            add(out.dockerfiles, key);
          }
        }
      }
      const envFile = y.get(svc, 'env_file');
      const envNodes: Node[] = isSeq(envFile) ? y.items(envFile) : envFile !== undefined ? [envFile] : [];
      for (const e of envNodes) {
        const v = isMap(e) ? str(y.get(e, 'path')) : str(e);
        if (v) add(out.paths, pathKey(v));
      }
    }
  } catch {
    /* a text we cannot read needs nothing */
  }
  return out;
}
