// `npm run demo`: build the bundles (and the .vsix when it is missing or older than them), then
// run Pier's main job against the built-in device lab with `pier lab demo`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const say = (m) => process.stderr.write(`demo: ${m}\n`);

function step(args) {
  const r = spawnSync(npm, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const last = out.split('\n').map((l) => l.trim()).filter((l) => l && !/^npm (notice|warn)/.test(l)).slice(-3).join(' / ');
  return { ok: r.status === 0, last };
}

say('building the bundles (npm run build)');
const build = step(['run', 'build']);
if (!build.ok) {
  say(`the build failed: ${build.last}`);
  process.exit(1);
}

const vsix = join(root, 'pier.vsix');
const bundle = join(root, 'dist', 'extension.js');
if (existsSync(vsix) && statSync(vsix).mtimeMs >= statSync(bundle).mtimeMs) say('pier.vsix is up to date');
else {
  say('packaging the extension (npm run package)');
  const pkg = step(['run', 'package']);
  // The demo's main job runs on the command line; a packaging problem is reported, not hidden.
  say(pkg.ok ? 'pier.vsix built' : `pier.vsix could not be built, continuing without it: ${pkg.last}`);
}

const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'lab', 'demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
