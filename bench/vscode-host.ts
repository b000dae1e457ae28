// Pier in the real extension host (code-server, test/vscode-host): activation time (the server
// is not started by activation, so it is excluded) next to a control extension (Pier's manifest,
// an empty activate()) and a built-in extension activated the same way once the host is quiet,
// with the host's own split into code loading, waiting for the context and the activate() call;
// time from opening a Dockerfile to its first
// diagnostics (cold: includes starting the server; warm: server running), each next to a
// baseline measured in the same host; the sizes of the dist bundles and of what activation loads.
// The extension as built (dist/extension.js and its lazily loaded chunks, minified) is measured
// against the same source bundled into one file, the way it was built before the split, in the
// same run: the cost of loading each in plain Node (CPU time, which a loaded machine disturbs
// less than wall time; a stand-in `vscode` module), then each in the real host.
//
//   node --import tsx bench/vscode-host.ts     (--no-host: plain Node only; --no-single: no one-file
//                                               host run; --rounds=N: host runs of the build, default 3;
//                                               --esbuild=FILE: build with FILE instead of esbuild.mjs)

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { loadedAtStart } from '../test/vscode/bundle-files';
import type { Activation } from '../test/vscode/bench-suite/index';

const root = resolve(__dirname, '..');
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];


interface HostFigures {
  activationMs: number;
  activation?: Activation;
  controls: Activation[];
  quietMs: number;
  pierActiveBefore: boolean;
  baseline?: { id: string; activationMs: number } & Activation;
  firstDiagnosticsColdMs: number;
  firstDiagnosticsWarmMs: number[];
  openPlainMs: number[];
}

/** One host run of the bench module against the extension in `extensionPath`. */
async function measure(extensionPath: string, suite: string): Promise<HostFigures> {
  const { runHost } = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'run-host.mjs')).href);
  const ws = mkdtempSync(join(tmpdir(), 'pier-bench-vscode-ws-'));
  try {
    // Lower-case .dockerfile names: a language match (onLanguage) but no workspaceContains
    // activation, so Pier is still inactive when the bench module starts.
    for (let i = 0; i < 6; i++) {
      const text = `FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl${i}\nCOPY . /app\nCMD ["/app/run"]\n`;
      writeFileSync(join(ws, `app${i}.dockerfile`), text);
      writeFileSync(join(ws, `app${i}.dockerfile.txt`), text);
    }
    const prepare = ({ tmp }: { tmp: string }) => installControls(join(tmp, 'ext'), extensionPath);
    const { code, logs } = await runHost({ folder: ws, extensionPath, testsPath: suite, timeoutMs: 300_000, log: () => undefined, prepare });
    const line = (logs as string[]).find((l) => l.includes('PIER_BENCH '));
    if (code !== 0 || !line) throw new Error(`the bench run failed (exit ${code})\n${(logs as string[]).slice(-30).join('\n')}`);
    return JSON.parse(line.slice(line.indexOf('PIER_BENCH ') + 11).replace(/\s*color:[^]*$/, '')) as HostFigures;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/**
 * The control extensions, installed into the host's extensions folder: Pier's package.json with
 * its own name and an empty activate(), so the host does for them all it does for Pier except
 * loading and running Pier's code. Without `contributes`: Pier's views and commands would be
 * registered twice. A folder per extension and the extensions.json index the host reads.
 */
function installControls(extensionsDir: string, pierDir: string): void {
  const pier = JSON.parse(readFileSync(join(pierDir, 'package.json'), 'utf8'));
  const index = ['a', 'b'].map((suffix) => {
    const name = `pier-control-${suffix}`;
    const folder = `${pier.publisher}.${name}-${pier.version}`;
    const dir = join(extensionsDir, folder);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    const { contributes: _c, scripts: _s, dependencies: _d, devDependencies: _dd, ...manifest } = pier;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, name, displayName: `Pier control ${suffix}` }, null, 2));
    writeFileSync(join(dir, 'dist', 'extension.js'), 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
    return { identifier: { id: `${pier.publisher}.${name}` }, version: pier.version, location: { $mid: 1, scheme: 'file', path: dir }, relativeLocation: folder, metadata: { installedTimestamp: Date.now(), source: 'vsix' } };
  });
  writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify(index));
}

/** An extension folder in `dir`: package.json and links to the assets; returns its dist. */
function extensionDir(dir: string): string {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  for (const d of ['media', 'snippets', 'schemas']) if (existsSync(join(root, d))) symlinkSync(join(root, d), join(dir, d));
  return join(dir, 'dist');
}

/** The extension as esbuild.mjs builds it for packaging, built into `dir` (others may rebuild dist/ meanwhile). */
function splitCopy(dir: string): void {
  const dist = extensionDir(dir);
  // --esbuild=FILE: another build script run the same way (an earlier esbuild.mjs, to compare builds).
  const script = process.argv.find((a) => a.startsWith('--esbuild='))?.slice(10) ?? 'esbuild.mjs';
  const r = spawnSync(process.execPath, [script, '--minify', `--outdir=${dist}`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`node ${script} --minify failed`);
}

/** A copy of the extension whose dist/extension.js is the whole client in one CommonJS file. */
async function singleBundleCopy(dir: string, serverFrom: string): Promise<void> {
  const dist = extensionDir(dir);
  copyFileSync(join(serverFrom, 'server.js'), join(dist, 'server.js'));
  await esbuild.build({
    entryPoints: { extension: join(root, 'client', 'src', 'extension.ts') },
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
    mainFields: ['module', 'main'],
  });
}

/** A `vscode` module for plain Node: every property, call and construction gives the stand-in again. */
const STAND_IN = `const f = function () {}; const p = new Proxy(f, { get: (t, k) => (k === '__esModule' ? false : k === Symbol.toPrimitive ? () => '' : k === 'prototype' ? f.prototype : p), apply: () => p, construct: () => p }); module.exports = p;`;

/** CPU and wall time of require()-ing `entry` in a fresh Node, with the stand-in `vscode` module. */
function loadCost(entry: string, modules: string): { cpuMs: number; wallMs: number } {
  const code = `const c0 = process.cpuUsage(), t0 = performance.now(); require(${JSON.stringify(entry)}); const c = process.cpuUsage(c0); console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 }));`;
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, NODE_PATH: modules }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading ${entry} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** "12.3 ms (code 4.5 + context wait 6.7 + activate 1.1)" from the host's own split. */
function phases(a: Activation): string {
  const part = (n?: number) => (n === undefined ? '?' : n.toFixed(0));
  return `${ms(a.ms).padStart(9)}, CPU ${ms(a.cpuMs).padStart(8)}  (code loading ${part(a.codeLoadingMs)} + context wait ${part(a.contextWaitMs)} + activate() ${part(a.activateCallMs)})`;
}

/** Pier's activation less the controls' mean: what Pier's code adds to what the host does for any extension. */
function overControl(r: HostFigures): number | undefined {
  if (!r.controls.length) return undefined;
  return r.activationMs - r.controls.reduce((n, c) => n + c.ms, 0) / r.controls.length;
}

function printHost(label: string, r: HostFigures): void {
  const warm = r.firstDiagnosticsWarmMs;
  console.log(`\n${label}:`);
  console.log(`  host quiet after ${ms(r.quietMs)}; Pier was active before: ${r.pierActiveBefore}`);
  console.log(`  Pier activation     ${r.activation ? phases(r.activation) : ms(r.activationMs)}   (target < 50 ms)`);
  r.controls.forEach((c, i) => console.log(`  control ${i ? 'after ' : 'before'}      ${phases(c)}`));
  const over = overControl(r);
  if (over !== undefined) console.log(`  Pier - control mean ${ms(over).padStart(9)}; ratio Pier/control ${(r.activationMs / (r.activationMs - over)).toFixed(2)}x`);
  if (r.baseline) console.log(`  baseline: ${r.baseline.id} activation ${phases(r.baseline)}; ratio Pier/baseline ${(r.activationMs / r.baseline.activationMs).toFixed(2)}x`);
  console.log(`  open -> first diagnostics, cold (server starts)  ${ms(r.firstDiagnosticsColdMs).padStart(10)}   (target < 1000 ms)`);
  console.log(`  open -> first diagnostics, warm (median of ${warm.length})     ${ms(med(warm)).padStart(10)}   [${warm.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  baseline: open a plain text file of the same size (median) ${ms(med(r.openPlainMs))}; ratio warm/baseline ${(med(warm) / med(r.openPlainMs)).toFixed(2)}x`);
}

async function main(): Promise<void> {
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  const tmp = mkdtempSync(join(tmpdir(), 'pier-bench-vscode-'));
  try {
    const split = join(tmp, 'split');
    splitCopy(split);
    const single = join(tmp, 'single');
    await singleBundleCopy(single, join(split, 'dist'));
    console.log('bundles (minified, as npm run package builds them):');
    for (const f of ['server.js', 'cli.js']) console.log(`  dist/${f.padEnd(16)} ${kb(statSync(join(split, 'dist', f)).size).padStart(8)}`);
    const ext = statSync(join(split, 'dist', 'extension.js')).size;
    const chunks = readdirSync(join(split, 'dist', 'chunks')).filter((f) => f.endsWith('.js'));
    const chunkBytes = chunks.reduce((n, f) => n + statSync(join(split, 'dist', 'chunks', f)).size, 0);
    const start = loadedAtStart(join(split, 'dist', 'extension.js'));
    console.log(`  dist/extension.js     ${kb(ext).padStart(8)}   (target < 1024 KB: ${ext < 1024 * 1024 ? 'met' : 'NOT met'})`);
    console.log(`  dist/chunks/          ${kb(chunkBytes).padStart(8)}   (${chunks.length} files, loaded on first use)`);
    console.log(`  loaded at activation  ${kb(start.bytes).padStart(8)}   (${start.files.length} files)`);
    console.log(`  one bundle (before)   ${kb(statSync(join(single, 'dist', 'extension.js')).size).padStart(8)}`);

    // Loading the extension module in plain Node, interleaved so load changes hit both alike.
    const modules = join(tmp, 'stand-in', 'node_modules');
    mkdirSync(join(modules, 'vscode'), { recursive: true });
    writeFileSync(join(modules, 'vscode', 'index.js'), STAND_IN);
    const costs = { split: [] as { cpuMs: number; wallMs: number }[], single: [] as { cpuMs: number; wallMs: number }[] };
    for (let i = 0; i < 9; i++) {
      costs.split.push(loadCost(join(split, 'dist', 'extension.js'), modules));
      costs.single.push(loadCost(join(single, 'dist', 'extension.js'), modules));
    }
    const cpu = (a: { cpuMs: number }[]) => med(a.map((x) => x.cpuMs));
    const wall = (a: { wallMs: number }[]) => med(a.map((x) => x.wallMs));
    console.log('\nloading the extension module in plain Node (median of 9, interleaved):');
    console.log(`  as built     CPU ${ms(cpu(costs.split)).padStart(9)}   wall ${ms(wall(costs.split)).padStart(9)}`);
    console.log(`  one bundle   CPU ${ms(cpu(costs.single)).padStart(9)}   wall ${ms(wall(costs.single)).padStart(9)}`);
    console.log(`  ratio as built / one bundle: CPU ${(cpu(costs.split) / cpu(costs.single)).toFixed(2)}x, wall ${(wall(costs.split) / wall(costs.single)).toFixed(2)}x`);
    if (process.argv.includes('--no-host')) return;

    const setup = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'setup.mjs')).href);
    await setup.ensureHost();
    const suite = join(tmp, 'bench.js');
    await esbuild.build({ entryPoints: [join(root, 'test', 'vscode', 'bench-suite', 'index.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
    const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
    const runs: HostFigures[] = [];
    for (let i = 0; i < rounds; i++) {
      runs.push(await measure(split, suite));
      printHost(`real extension host (code-server, VS Code web workbench, remote extension host), as built, run ${i + 1} of ${rounds} (load ${loadavg()[0].toFixed(1)})`, runs[i]);
    }
    const own = (a?: Activation) => (a?.codeLoadingMs ?? NaN) + (a?.activateCallMs ?? NaN);
    console.log(`\nactivation as built, median of ${rounds} host runs:`);
    console.log(`  Pier ${ms(med(runs.map((r) => r.activationMs)))}; control ${ms(med(runs.flatMap((r) => r.controls.map((c) => c.ms))))}; Pier - control ${ms(med(runs.map((r) => overControl(r) ?? NaN)))}`);
    console.log(`  Pier's own part (code loading + activate()) ${ms(med(runs.map((r) => own(r.activation))))}; the controls' ${ms(med(runs.flatMap((r) => r.controls.map(own))))}`);
    console.log(`  CPU time of the host meanwhile: Pier ${ms(med(runs.map((r) => r.activation?.cpuMs ?? NaN)))}; control ${ms(med(runs.flatMap((r) => r.controls.map((c) => c.cpuMs))))}`);
    if (runs.every((r) => r.baseline)) console.log(`  built-in baseline ${ms(med(runs.map((r) => r.baseline!.activationMs)))}; ratio Pier/baseline ${(med(runs.map((r) => r.activationMs)) / med(runs.map((r) => r.baseline!.activationMs))).toFixed(2)}x`);
    const asBuilt = [...runs].sort((x, y) => x.activationMs - y.activationMs)[Math.floor(rounds / 2)];
    if (!process.argv.includes('--no-single')) {
      const one = await measure(single, suite);
      printHost('the same source as one bundle, as before the split', one);
      console.log(`\nactivation as built / one bundle: ${(asBuilt.activationMs / one.activationMs).toFixed(2)}x; each against its own baseline: ${asBuilt.baseline && one.baseline ? `${(asBuilt.activationMs / asBuilt.baseline.activationMs).toFixed(2)}x vs ${(one.activationMs / one.baseline.activationMs).toFixed(2)}x` : 'n/a'}`);
    }
  } finally {
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
