// Pier in the real extension host (code-server, test/vscode-host): activation time (the server
// is not started by activation, so it is excluded), time from opening a Dockerfile to its first
// diagnostics (cold: includes starting the server; warm: server running), each next to a
// baseline measured in the same host; and the sizes of the dist bundles.
//
//   npm run build && node --import tsx bench/vscode-host.ts        (add --minify to measure minified bundles)

import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(__dirname, '..');
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log('dist bundles:');
  for (const f of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js')).sort()) {
    const size = statSync(join(root, 'dist', f)).size;
    console.log(`  ${f.padEnd(16)} ${kb(size).padStart(8)}${f === 'extension.js' ? `   (target < 1024 KB: ${size < 1024 * 1024 ? 'met' : 'NOT met'})` : ''}`);
  }
  const setup = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'setup.mjs')).href);
  const { runHost } = await import(pathToFileURL(join(root, 'test', 'vscode-host', 'run-host.mjs')).href);
  await setup.ensureHost();
  const tmp = mkdtempSync(join(tmpdir(), 'pier-bench-vscode-'));
  try {
    // Lower-case .dockerfile names: a language match (onLanguage) but no workspaceContains
    // activation, so Pier is still inactive when the bench module starts.
    const ws = join(tmp, 'ws');
    mkdirSync(ws);
    for (let i = 0; i < 6; i++) {
      const text = `FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl${i}\nCOPY . /app\nCMD ["/app/run"]\n`;
      writeFileSync(join(ws, `app${i}.dockerfile`), text);
      writeFileSync(join(ws, `app${i}.dockerfile.txt`), text);
    }
    const suite = join(tmp, 'bench.js');
    await esbuild.build({ entryPoints: [join(root, 'test', 'vscode', 'bench-suite', 'index.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
    const { code, logs } = await runHost({ folder: ws, extensionPath: root, testsPath: suite, timeoutMs: 300_000, log: () => undefined });
    const line = (logs as string[]).find((l) => l.includes('PIER_BENCH '));
    if (code !== 0 || !line) throw new Error(`the bench run failed (exit ${code})\n${(logs as string[]).slice(-30).join('\n')}`);
    const r = JSON.parse(line.slice(line.indexOf('PIER_BENCH ') + 11).replace(/\s*color:[^]*$/, ''));
    const warm: number[] = r.firstDiagnosticsWarmMs;
    const plain: number[] = r.openPlainMs;
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log('\nreal extension host (code-server, VS Code web workbench, remote extension host):');
    console.log(`  Pier activation          ${ms(r.activationMs).padStart(10)}   (target < 50 ms; was active before: ${r.pierActiveBefore})`);
    if (r.baseline) console.log(`  baseline: ${r.baseline.id} activation ${ms(r.baseline.activationMs)}; ratio Pier/baseline ${(r.activationMs / r.baseline.activationMs).toFixed(2)}x`);
    console.log(`  open -> first diagnostics, cold (server starts)  ${ms(r.firstDiagnosticsColdMs).padStart(10)}   (target < 1000 ms)`);
    console.log(`  open -> first diagnostics, warm (median of ${warm.length})     ${ms(med(warm)).padStart(10)}   [${warm.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`  baseline: open a plain text file of the same size (median) ${ms(med(plain))}; ratio warm/baseline ${(med(warm) / med(plain)).toFixed(2)}x`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
