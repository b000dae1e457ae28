// Language server latency, measured against the shipped bundle over stdio.
// Run: npm run build && node --import tsx bench/server-latency.ts [--spawns N] [--edits N]
//
// 1. Spawn to first publishDiagnostics: `node dist/server.js --stdio` started, initialized and a
//    Dockerfile opened, until its diagnostics arrive (target < 300 ms). Baseline in the same run:
//    a bundled language server with no rules that publishes empty diagnostics on open. The server
//    sends a first round before the shell parser has loaded, then the complete set for the same
//    version: both times are printed (whether there are two rounds is worked out in-process).
// 2. Keystroke to refreshed diagnostics on a ~300-line Dockerfile: one-character incremental edits,
//    each timed until the diagnostics for its version arrive (target < 20 ms end to end, with the
//    server's default settings). Also run with a fixed 75 ms debounce, reported end to end and
//    with the debounce subtracted. Baselines in the same run: Pier's analysis and dockerfile-utils'
//    validate on the same text, in-process, without any protocol.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { validate } from 'dockerfile-utils';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { analyzeDockerfile } from '../server/src/analysis/dockerfile/analyze';
import { withoutLoadingShellParser } from '../server/src/analysis/dockerfile/shell';
import { isDockerfileName } from '../server/src/analysis/file-kinds';
import { median, percentile, timeRuns } from './stats';

const ROOT = resolve(__dirname, '..');
const SERVER = join(ROOT, 'dist', 'server.js');
// --other PATH: also time another build of the server's spawn (an older commit's dist/server.js), interleaved.
const { values: args } = parseArgs({ options: { spawns: { type: 'string', default: '10' }, edits: { type: 'string', default: '200' }, other: { type: 'string' } } });
const SPAWNS = Number(args.spawns);
const EDITS = Number(args.edits);
const FIXED_DEBOUNCE_MS = 75;

const pct = percentile;
const f = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const row = (name: string, xs: number[]) => `  ${name.padEnd(46)} median ${f(median(xs)).padStart(9)}   p95 ${f(pct(xs, 95)).padStart(9)}   min ${f(Math.min(...xs)).padStart(9)}`;

/** Whole corpus Dockerfiles, concatenated until ~300 lines: a realistic multi-stage file. */
function dockerfileOf300Lines(): string {
  const corpus = resolve(ROOT, '..', 'shared', 'corpus');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (isDockerfileName(n)) files.push(p);
    }
  };
  if (existsSync(corpus)) walk(corpus);
  let text = '';
  for (const p of files) {
    if (text.split('\n').length >= 300) break;
    text += readFileSync(p, 'utf8').replace(/\s*$/, '\n');
  }
  if (!text) throw new Error(`no corpus at ${corpus}`);
  return text;
}

interface Session {
  conn: ProtocolConnection;
  /** CPU time (user + system) the server process used so far, from /proc; NaN where unavailable. */
  cpuMs(): number;
  waitDiagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams>;
  /** Every publish, as it arrives. */
  onPublish(fn: (p: PublishDiagnosticsParams) => void): void;
  close(): Promise<void>;
}

/** Start a server process and a client on its stdio; resolves after `initialized`. */
async function session(script: string, initializationOptions?: unknown, cacheHome?: string): Promise<Session> {
  // The server keeps V8's code cache under $XDG_CACHE_HOME/pier (server-start.ts): each run names its own.
  const env: NodeJS.ProcessEnv = { ...process.env, ...(cacheHome ? { XDG_CACHE_HOME: cacheHome } : {}) };
  delete env.NODE_COMPILE_CACHE;
  const child = spawn(process.execPath, [script, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters = new Map<string, (p: PublishDiagnosticsParams) => void>();
  const listeners: Array<(p: PublishDiagnosticsParams) => void> = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    for (const l of listeners) l(p);
    const key = `${p.uri}@${p.version}`;
    waiters.get(key)?.(p);
    waiters.delete(key);
  });
  conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => ({})));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true } },
    initializationOptions,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    cpuMs: () => {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks (100 per second).
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return NaN;
      }
    },
    waitDiagnostics: (uri, version) => new Promise((r) => waiters.set(`${uri}@${version}`, r)),
    onPublish: (fn) => void listeners.push(fn),
    close: async () => {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      await exited;
      conn.dispose();
    },
  };
}

interface SpawnFigures {
  /** Spawn to the first publishDiagnostics of the document. */
  wall: number;
  /** Server CPU time at that point. */
  cpu: number;
  /** Spawn to the complete set (equal to `wall` when the first publish was complete). */
  complete: number;
  /** How many diagnostics the first publish had. */
  firstCount: number;
}

/**
 * Spawn to first publishDiagnostics for the opened document: wall time and the server's CPU time,
 * and the time to the complete set, which is publish number `rounds` for version 1.
 */
async function spawnToFirstDiagnostics(script: string, text: string, rounds = 1, cacheHome?: string): Promise<SpawnFigures> {
  const t0 = performance.now();
  const s = await session(script, undefined, cacheHome);
  const uri = 'file:///bench/Dockerfile';
  let first: { wall: number; cpu: number; count: number } | undefined;
  let seen = 0;
  const complete = new Promise<number>((resolve) =>
    s.onPublish((p) => {
      if (p.uri !== uri || p.version !== 1) return;
      const at = performance.now() - t0;
      first ??= { wall: at, cpu: s.cpuMs(), count: p.diagnostics.length };
      if (++seen === rounds) resolve(at);
    }),
  );
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  const completeAt = await complete;
  await s.close();
  return { wall: first!.wall, cpu: first!.cpu, complete: completeAt, firstCount: first!.count };
}

/** Keystroke-sized edits: type a character at the end of a RUN line, then delete it, and so on. */
async function editLatencies(script: string, text: string, n: number, initializationOptions?: unknown): Promise<number[]> {
  const s = await session(script, initializationOptions);
  const uri = 'file:///bench/edit/Dockerfile';
  const first = s.waitDiagnostics(uri, 1);
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  await first;
  const lines = text.split('\n');
  const line = lines.findIndex((l, i) => i > lines.length / 2 && /^RUN .*\S$/.test(l) && !l.endsWith('\\'));
  const at = { line, character: lines[line].length };
  const out: number[] = [];
  const warm = 20;
  for (let k = 0; k < n + warm; k++) {
    const version = k + 2;
    const typed = k % 2 === 0;
    const change = typed
      ? { range: { start: at, end: at }, text: 'x' }
      : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
    const got = s.waitDiagnostics(uri, version);
    const t0 = performance.now();
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    await got;
    if (k >= warm) out.push(performance.now() - t0);
  }
  await s.close();
  return out;
}

/** A language server with no rules: answers initialize and publishes empty diagnostics on open. */
async function buildBaselineServer(dir: string): Promise<string> {
  const src = join(dir, 'baseline-server.ts');
  const out = join(dir, 'baseline-server.js');
  const code = `import { createConnection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
const connection = createConnection();
const documents = new TextDocuments(TextDocument);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: { openClose: true, change: 2 } } }));
documents.onDidChangeContent((e) => void connection.sendDiagnostics({ uri: e.document.uri, version: e.document.version, diagnostics: [] }));
documents.listen(connection);
connection.listen();
`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(src, code);
  await esbuild.build({ entryPoints: [src], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', nodePaths: [join(ROOT, 'node_modules')] });
  return out;
}

const inProcess = (fn: () => void, n: number) => timeRuns(fn, n, 5);

async function main(): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  const tmp = mkdtempSync(join(tmpdir(), 'pier-bench-'));
  try {
    const baselineServer = await buildBaselineServer(tmp);
    const text = dockerfileOf300Lines();
    const nLines = text.split('\n').length - 1;
    const load = (await import('node:os')).loadavg()[0];
    console.log(`Pier language server latency (node ${process.version}, ${SPAWNS} spawns, ${EDITS} edits on a ${nLines}-line Dockerfile from the corpus; load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs)\n`);

    // The server's rounds for this text, worked out the way it does (validation.ts) before
    // anything in this process loads the shell parser: a first round when some rule needs the
    // parser and the round has findings (an empty one is not sent), then the complete set.
    const firstRound = withoutLoadingShellParser(() => analyzeDockerfile(text, { files: { dockerignore: null } }));
    const rounds = !firstRound.complete && firstRound.value.length > 0 ? 2 : 1;
    const fullCount = analyzeDockerfile(text, { files: { dockerignore: null } }).length;
    // Later starts find V8's code cache the first start wrote (one warm-up start makes it); a
    // first start (just installed or updated) has none: a fresh cache directory each time.
    const warmCache = join(tmp, 'cache-warm');
    await spawnToFirstDiagnostics(SERVER, text, rounds, warmCache);
    const pierSpawn: SpawnFigures[] = [];
    const coldSpawn: SpawnFigures[] = [];
    const baseSpawn: SpawnFigures[] = [];
    const otherSpawn: SpawnFigures[] = [];
    for (let i = 0; i < SPAWNS; i++) {
      // Interleaved, so a burst of load on the machine hits all alike.
      pierSpawn.push(await spawnToFirstDiagnostics(SERVER, text, rounds, warmCache));
      coldSpawn.push(await spawnToFirstDiagnostics(SERVER, text, rounds, join(tmp, `cache-cold-${i}`)));
      baseSpawn.push(await spawnToFirstDiagnostics(baselineServer, text));
      if (args.other) otherSpawn.push(await spawnToFirstDiagnostics(resolve(args.other), text, 1, join(tmp, `cache-other-${i}`)));
    }
    const wall = (xs: typeof pierSpawn) => xs.map((x) => x.wall);
    const cpu = (xs: typeof pierSpawn) => xs.map((x) => x.cpu);
    console.log('Spawn to first publishDiagnostics (target: Pier median wall time < 300 ms)');
    console.log(row('pier (dist/server.js --stdio), wall', wall(pierSpawn)));
    console.log(`    ${rounds === 2 ? `first publish before the shell parser loads: ${firstRound.value.length} of the ${fullCount} findings` : 'one publish, the complete set'} (in-process; the server sent ${median(pierSpawn.map((x) => x.firstCount))} first)`);
    console.log(row('pier, spawn to the complete set, wall', pierSpawn.map((x) => x.complete)));
    console.log(row('pier, first start (no code cache yet), wall', wall(coldSpawn)));
    console.log(row('pier, first start, to the complete set, wall', coldSpawn.map((x) => x.complete)));
    console.log(row('baseline: LSP server with no rules, wall', wall(baseSpawn)));
    if (args.other) console.log(row(`other build (${args.other}), wall`, wall(otherSpawn)));
    console.log(row('pier, server CPU time (10 ms ticks)', cpu(pierSpawn)));
    console.log(row('pier, first start, server CPU time', cpu(coldSpawn)));
    console.log(row('baseline, server CPU time (10 ms ticks)', cpu(baseSpawn)));
    if (args.other) console.log(row('other build, server CPU time', cpu(otherSpawn)));
    console.log(`  ratio pier / baseline (median): wall ${(median(wall(pierSpawn)) / median(wall(baseSpawn))).toFixed(2)}x, CPU ${(median(cpu(pierSpawn)) / median(cpu(baseSpawn))).toFixed(2)}x; first start: wall ${(median(wall(coldSpawn)) / median(wall(baseSpawn))).toFixed(2)}x, CPU ${(median(cpu(coldSpawn)) / median(cpu(baseSpawn))).toFixed(2)}x\n`);

    const adaptive = await editLatencies(SERVER, text, EDITS);
    const fixed = await editLatencies(SERVER, text, EDITS, { validationDelayMs: FIXED_DEBOUNCE_MS });
    const noRules = await editLatencies(baselineServer, text, EDITS);
    const analysis = inProcess(() => analyzeDockerfile(text, { files: { dockerignore: null } }), EDITS);
    const utils = inProcess(() => validate(text), EDITS);
    console.log('Keystroke to refreshed diagnostics (target: end to end with default settings, median and p95 < 20 ms)');
    console.log(row('pier, default (adaptive debounce), end to end', adaptive));
    console.log(row(`pier, fixed ${FIXED_DEBOUNCE_MS} ms debounce, end to end`, fixed));
    console.log(row(`pier, fixed ${FIXED_DEBOUNCE_MS} ms debounce, minus the debounce`, fixed.map((x) => x - FIXED_DEBOUNCE_MS)));
    console.log(row('baseline: LSP server with no rules, end to end', noRules));
    console.log(row('in-process: Pier analysis (all rules), no protocol', analysis));
    console.log(row("in-process: dockerfile-utils' validate", utils));
    console.log(`  ratio pier end to end / no-rules server (median): ${(median(adaptive) / median(noRules)).toFixed(2)}x`);
    console.log(`  ratio pier end to end / in-process analysis (median): ${(median(adaptive) / median(analysis)).toFixed(2)}x (protocol and scheduling overhead)`);
    console.log(`  ratio pier analysis / dockerfile-utils validate (median): ${(median(analysis) / median(utils)).toFixed(2)}x`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
