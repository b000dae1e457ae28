// Compose analysis (every Compose rule plus schema validation) over the corpus Compose files,
// against plain `yaml` parsing of the same texts in the same process. The schema compile time
// (once per process) is measured first and reported on its own. With file facts, the Dockerfiles
// that services build are analysed too; those analyses are memoised by text (as in the editor,
// where the Compose file changes and its Dockerfiles do not); their cold cost is what
// bench/dockerfile-analysis.ts measures.
// Run: node --import tsx bench/compose-analysis.ts
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parse, parseDocument } from 'yaml';
import { analyzeCompose, composeFileNeeds } from '../server/src/analysis/compose/analyze';
import type { ComposeFileFacts } from '../server/src/analysis/compose/context';
import { composeRules } from '../server/src/analysis/compose/rules';
import { composeValidator, schemaCompileMs } from '../server/src/analysis/compose/schema';
import { corpusFiles } from '../test/corpus-files';
import { median, ms, percentile, timeRuns } from './stats';

const REPS = 40;

// First thing in the process: the one schema compile every later validation reuses.
composeValidator();
const compile = schemaCompileMs()!;

const files = corpusFiles('compose');

/** The facts the CLI would pass, read once up front so the timing is analysis only. */
function factsFor(path: string, text: string): ComposeFileFacts {
  const dir = dirname(path);
  const abs = (k: string) => (isAbsolute(k) ? k : join(dir, k));
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  };
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? ('dir' as const) : ('file' as const);
    } catch {
      return null;
    }
  };
  const dotenv = read(join(dir, '.env'));
  const needs = composeFileNeeds(text, dotenv);
  return {
    path,
    dotenv,
    paths: Object.fromEntries(needs.paths.map((k) => [k, kind(abs(k))])),
    dockerfiles: Object.fromEntries(needs.dockerfiles.map((k) => [k, read(abs(k))])),
  };
}

const facts = new Map(files.map((f) => [f.path, factsFor(f.path, f.text)]));

/** Per file: the median wall time of REPS runs, and the mean CPU time of this process per run. */
function perFile(fn: (f: (typeof files)[number]) => void): { medians: number[]; all: number[]; cpu: number[] } {
  const medians: number[] = [];
  const all: number[] = [];
  const cpu: number[] = [];
  for (const f of files) {
    for (let i = 0; i < 5; i++) fn(f);
    const c0 = process.cpuUsage();
    const runs = timeRuns(() => fn(f), REPS, 0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / REPS);
    medians.push(median(runs));
    all.push(...runs);
  }
  return { medians, all, cpu };
}

const plain = perFile((f) => parse(f.text));
const doc = perFile((f) => parseDocument(f.text));
const pier = perFile((f) => analyzeCompose(f.text));
const withFacts = perFile((f) => analyzeCompose(f.text, { files: facts.get(f.path) }));

// Wall time suffers when other processes share the cores; CPU time of this process does not
// count the time it waited, so both are shown.
const row = (name: string, r: { medians: number[]; all: number[]; cpu: number[] }) =>
  `${name.padEnd(46)} wall median ${ms(median(r.medians)).padStart(9)}  p95/file ${ms(percentile(r.medians, 95)).padStart(9)}   cpu p95/file ${ms(percentile(r.cpu, 95)).padStart(9)}   ${(percentile(r.cpu, 95) / percentile(plain.cpu, 95)).toFixed(1)}x yaml.parse (cpu p95)`;

const builds = [...facts.values()].reduce((n, f) => n + Object.values(f.dockerfiles ?? {}).filter((t) => typeof t === 'string').length, 0);
console.log(`Compose analysis: ${composeRules.length} rules + schema validation, ${files.length} corpus files, ${REPS} runs each after 5 warm-up runs, node ${process.version}`);
console.log(`schema compile (once per process): ${ms(compile)}`);
console.log(row('yaml.parse (baseline)', plain));
console.log(row('yaml.parseDocument (positions)', doc));
console.log(row('pier, text only', pier));
console.log(row(`pier, with file facts (${builds} Dockerfiles, memoised)`, withFacts));
const verdict = (r: { medians: number[]; cpu: number[] }) => `wall ${percentile(r.medians, 95) < 5 ? 'met' : 'MISSED'}, cpu ${percentile(r.cpu, 95) < 5 ? 'met' : 'MISSED'}`;
console.log(`target: p95 per file < 5 ms after warm-up: text only (${verdict(pier)}), with facts (${verdict(withFacts)})`);
console.log(`load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
