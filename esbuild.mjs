// Bundles the three entry points. `vscode` is provided by the extension host and stays external.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
  // mvdan-sh is a GopherJS build that probes for optional Node modules it never needs here.
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  legalComments: 'none',
  // jsonc-parser's UMD build loads its parts with a dynamic require esbuild cannot follow: take the ES module build.
  mainFields: ['module', 'main'],
};

const builds = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'client/src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
