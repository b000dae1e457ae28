// Bundles the in-host suites (test/vscode/suite) into one CommonJS file the extension host loads,
// with the harness's reply folder, its packages and the screenshot folder baked in.

import * as esbuild from 'esbuild';
import { join } from 'node:path';

/** Build `suite/index.ts` into `outFile`. */
export async function buildSuite(outFile: string, o: { harnessDir: string; hostModules: string; shotsDir: string }): Promise<void> {
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    define: {
      __PIER_HARNESS_DIR__: JSON.stringify(o.harnessDir),
      __PIER_HOST_MODULES__: JSON.stringify(o.hostModules),
      __PIER_SHOTS__: JSON.stringify(o.shotsDir),
    },
  });
}
