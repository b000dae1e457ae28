// Pier in the real extension host (code-server, test/vscode-host): activation time (the server
// is not started by activation, so it is excluded), time from opening a Dockerfile to its first
// diagnostics (cold: includes starting the server; warm: server running), each next to a
// baseline measured in the same host; the sizes of the dist bundles and of what activation loads.
// The extension as built (dist/extension.js and its lazily loaded chunks) is measured against the
// same source bundled into one file, the way it was built before the split, in the same run.
//
//   node esbuild.mjs --minify && node --import tsx bench/vscode-host.ts     (--no-single: skip the one-file run)

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { loadedAtStart } from '../test/vscode/bundle-files';

const root = resolve(__dirname, '..');
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

interface HostFigures {
  activationMs: number;
  pierActiveBefore: boolean;
  baseline?: { id: string; activationMs: number };
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
    const { code, logs } = await runHost({ folder: ws, extensionPath, testsPath: suite, timeoutMs: 300_000, log: () => undefined });
    const line = (logs as string[]).find((l) => l.includes('PIER_BENCH '));
    if (code !== 0 || !line) throw new Error(`the bench run failed (exit ${code})\n${(logs as string[]).slice(-30).join('\n')}`);
    return JSON.parse(line.slice(line.indexOf('PIER_BENCH ') + 11).replace(/\s*color:[^]*$/, '')) as HostFigures;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/** A copy of the extension whose dist/extension.js is the whole client in one CommonJS file. */
async function singleBundleCopy(dir: string): Promise<number> {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(root, 'dist', 'server.js'), join(dir, 'dist', 'server.js'));
  for (const d of ['media', 'snippets', 'schemas']) if (existsSync(join(root, d))) symlinkSync(join(root, d), join(dir, d));
  await esbuild.build({
    entryPoints: { extension: join(root, 'client', 'src', 'extension.ts') },
    outdir: join(dir, 'dist'),
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
  return statSync(join(dir, 'dist', 'extension.js')).size;
}

function printHost(label: string, r: HostFigures): void {
  const warm = r.firstDiagnosticsWarmMs;
  console.log(`\n${label}:`);
  console.log(`  Pier activation          ${ms(r.activationMs).padStart(10)}   (target < 50 ms; was active before: ${r.pierActiveBefore})`);
  if (r.baseline) console.log(`  baseline: ${r.baseline.id} activation ${ms(r.baseline.activationMs)}; ratio Pier/baseline ${(r.activationMs / r.baseline.activationMs).toFixed(2)}x`);
  console.log(`  open -> first diagnostics, cold (server starts)  ${ms(r.firstDiagnosticsColdMs).padStart(10)}   (target < 1000 ms)`);
  console.log(`  open -> first diagnostics, warm (median of ${warm.length})     ${ms(med(warm)).padStart(10)}   [${warm.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  baseline: open a plain text file of the same size (median) ${ms(med(r.openPlainMs))}; ratio warm/baseline ${(med(warm) / med(r.openPlainMs)).toFixed(2)}x`);
}

async function main(): Promise<void> {
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log('dist bundles:');
  for (const f of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js')).sort()) {
    const size = statSync(join(root, 'dist', f)).size;
    console.log(`  ${f.padEnd(16)} ${kb(size).padStart(8)}${f === 'extension.js' ? `   (target < 1024 KB: ${size < 1024 * 1024 ? 'met' : 'NOT met'})` : ''}`);
  }
  const chunks = existsSync(join(root, 'dist', 'chunks')) ? readdirSync(join(root, 'dist', 'chunks')).filter((f) => f.endsWith('.js')) : [];
  const chunkBytes = chunks.reduce((n, f) => n + statSync(join(root, 'dist', 'chunks', f)).size, 0);
  const start = loadedAtStart(join(root, 'dist', 'extension.js'));
  console.log(`  chunks/          ${kb(chunkBytes).padStart(8)}   (${chunks.length} files, loaded on first use)`);
  console.log(`  loaded by activation: ${kb(start.bytes)} in ${start.files.length} files`);

  const setup = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'setup.mjs')).href);
  await setup.ensureHost();
  const tmp = mkdtempSync(join(tmpdir(), 'pier-bench-vscode-'));
  try {
    const suite = join(tmp, 'bench.js');
    await esbuild.build({ entryPoints: [join(root, 'test', 'vscode', 'bench-suite', 'index.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
    const split = await measure(root, suite);
    printHost('real extension host (code-server, VS Code web workbench, remote extension host), as built', split);
    if (!process.argv.includes('--no-single')) {
      const single = join(tmp, 'single');
      const size = await singleBundleCopy(single);
      const one = await measure(single, suite);
      printHost(`the same source as one bundle (${kb(size)}, minified), as before the split`, one);
      console.log(`\nactivation as built / one bundle: ${(split.activationMs / one.activationMs).toFixed(2)}x; each against its own baseline: ${split.baseline && one.baseline ? `${(split.activationMs / split.baseline.activationMs).toFixed(2)}x vs ${(one.activationMs / one.baseline.activationMs).toFixed(2)}x` : 'n/a'}`);
    }
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
