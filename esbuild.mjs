// Bundles the three entry points. `vscode` is provided by the extension host and stays external.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
// --outdir=DIR writes the bundles there instead of dist/ (the benchmarks build copies of their own).
const outDir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) || 'dist';
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

// The extension is bundled as ES modules with code splitting, so that each `import()` in its
// source (the deploy pipeline, the size breakdown with the shell parser, the language client)
// becomes a chunk loaded on first use and activation reads only dist/extension.js. Each output
// file is then turned into CommonJS, which the extension host loads; shared code sits in shared
// chunks, so every module still exists once. Source maps are carried through both steps.
// Packaging builds (--minify) keep their chunks in chunks/, which the .vsix takes; development
// builds in chunks-dev/, so packaging never removes a chunk that a running development host
// (a test run, say) has yet to load.
const extensionTmp = path.join(os.tmpdir(), `pier-extension-esm-${process.pid}`);
const chunkDir = common.minify ? 'chunks' : 'chunks-dev';
const toCommonJs = {
  name: 'esm-chunks-to-cjs',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length || !result.metafile) return;
      const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
      await Promise.all(
        files.map((f) =>
          esbuild.build({
            entryPoints: [f],
            outfile: path.join(outDir, path.relative(extensionTmp, f)),
            bundle: false,
            format: 'cjs',
            platform: 'node',
            target: 'node20',
            minify: common.minify,
            sourcemap: 'linked',
            legalComments: 'none',
            // import() of a chunk becomes require() in a promise: the chunk then shares the
            // require cache with the others, instead of going through Node's ES module loader.
            supported: { 'dynamic-import': false },
            // Third-party code was already checked by the bundling step; repeat no warnings.
            logLevel: 'error',
            plugins: [vscodeNamespaceAsRequire],
          }),
        ),
      );
      await pruneChunks(new Set(files.map((f) => path.basename(f))));
    });
  },
};

// `import * as vscode from 'vscode'` would become `__toESM(require('vscode'))` in CommonJS,
// which copies the ~350 properties of VS Code's API object into a new object, once per source
// module that imports it: 14 copies at activation, measured at 8 ms in a loaded extension host.
// The namespace is only ever read for its properties, so the API object itself serves. An import
// binding exists before any of the module's code runs, wherever the statement stands (minified
// output places it mid-file): each such import is blanked in place (columns kept) and its name
// declared from one require() on a new first line, with the input source map shifted by a line.
const vscodeNamespaceAsRequire = {
  name: 'vscode-namespace-as-require',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await fs.readFile(args.path, 'utf8');
      const names = [];
      const blanked = text.replace(/import\s*\*\s*as\s*([\w$]+)\s*from\s*"vscode"\s*;?/g, (m, name) => {
        names.push(name);
        return ' '.repeat(m.length);
      });
      if (!names.length) return undefined;
      const mapFile = `${args.path}.map`;
      const map = JSON.parse(await fs.readFile(mapFile, 'utf8'));
      await fs.writeFile(mapFile, JSON.stringify({ ...map, mappings: `;${map.mappings}` }));
      const decl = `var ${names[0]} = require("vscode")${names.slice(1).map((n) => `, ${n} = ${names[0]}`).join('')};\n`;
      return { contents: decl + blanked, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// Chunk names carry a content hash, so an unchanged chunk keeps its name and file. Chunks this
// build did not write are left a while in chunks-dev/, because an extension host started from an
// earlier build may still load them on first use; a packaging build removes them all from
// chunks/, so the .vsix holds only what this build references.
async function pruneChunks(keep) {
  const dir = path.join(outDir, chunkDir);
  const names = await fs.readdir(dir).catch(() => []);
  const before = Date.now() - 30 * 60_000;
  for (const n of names) {
    if (keep.has(n.replace(/\.map$/, ''))) continue;
    const st = await fs.stat(path.join(dir, n)).catch(() => undefined);
    if (st && (common.minify || st.mtimeMs < before)) await fs.rm(path.join(dir, n), { force: true });
  }
}

// The language server is always minified (its start is bound by reading and compiling the
// bundle; the source map is next to it). dist/server.js is a small starter that compiles the
// server, dist/server-main.js, with V8's code cache (server/src/server-start.ts). The shell
// parser, mvdan-sh (1.3 MB of GopherJS, most of the server's start-up cost), is a file of its
// own, dist/shell-parser.js: the server requires it on first use
// (server/src/analysis/dockerfile/shell.ts), after its first diagnostics are out.
const shellParserApart = {
  name: 'shell-parser-apart',
  setup(build) {
    build.onResolve({ filter: /^mvdan-sh$/ }, () => ({ path: './shell-parser.js', external: true }));
  },
};
const serverBuilds = [
  { ...common, minify: true, entryPoints: { server: 'server/src/server-start.ts' }, outdir: outDir },
  { ...common, minify: true, entryPoints: { 'server-main': 'server/src/server.ts' }, outdir: outDir, plugins: [shellParserApart] },
  { ...common, minify: true, entryPoints: { 'shell-parser': createRequire(import.meta.url).resolve('mvdan-sh') }, outdir: outDir },
];

const builds = [
  {
    ...common,
    entryPoints: { extension: 'client/src/extension.ts' },
    format: 'esm',
    splitting: true,
    chunkNames: `${chunkDir}/[name]-[hash]`,
    outdir: extensionTmp,
    metafile: true,
    plugins: [toCommonJs],
  },
  ...serverBuilds,
  { ...common, entryPoints: { cli: 'client/src/cli/main.ts' }, outdir: outDir, banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  await fs.rm(extensionTmp, { recursive: true, force: true });
}
