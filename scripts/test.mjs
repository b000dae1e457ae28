// Runs every test/**/*.test.ts file with Node's test runner in one process tree, so the totals
// at the end are the whole suite's. Node 20's --test does not expand globs, hence this list.
// Usage: node scripts/test.mjs [folder-or-file ...]   (default: test/)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const roots = (args.length ? args : ['test']).map((a) => join(root, a));
const files = [];
const walk = (p) => {
  if (statSync(p).isDirectory()) {
    for (const e of readdirSync(p).sort()) if (e !== 'node_modules' && e !== 'vscode-host') walk(join(p, e));
  } else if (p.endsWith('.test.ts')) files.push(relative(root, p));
};
for (const r of roots) walk(r);
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
});
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
