#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron would download: it takes the
// same command line (`--extensionDevelopmentPath=`, `--extensionTestsPath=`, a folder), runs the
// workbench of code-server in headless Chromium with them (run-host.mjs), and exits with the
// code the extension tests ended with. PIER_HOST_TIMEOUT_MS bounds the run (default 900 s).
import { runHost } from './run-host.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const folder = argv.find((a) => !a.startsWith('-'));
const extensionPath = flag('extensionDevelopmentPath');
const testsPath = flag('extensionTestsPath');
if (!folder || !extensionPath || !testsPath) {
  process.stderr.write('usage: stand-in.mjs FOLDER --extensionDevelopmentPath=DIR --extensionTestsPath=FILE\n');
  process.exit(2);
}
try {
  const { code, logs } = await runHost({ folder, extensionPath, testsPath, repliesDir: process.env.PIER_HARNESS_DIR, timeoutMs: Number(process.env.PIER_HOST_TIMEOUT_MS) || 900_000 });
  // The extension host's own lines (mocha's report among them) for the test log.
  for (const l of logs) if (/^page: /.test(l) && !/PIER_HARNESS /.test(l)) process.stdout.write(`${l.slice(6).replace(/%c\s*(\w+)\s+color:\s*#[0-9a-f]+\s*/i, '$1 ')}\n`);
  process.exit(code);
} catch (e) {
  process.stderr.write(`${e.stack ?? e}\n${(e.logs ?? []).slice(-60).join('\n')}\n`);
  process.exit(1);
}
