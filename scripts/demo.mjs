// `npm run demo`: build the bundles (and the .vsix when it is missing or older than them), then
// run Pier's main job against the built-in device lab: `pier lab demo` (lab up, example builds,
// SSH probe), then `pier deploy` of the sensor example to the lab device and `pier logs` of it.
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

const cli = (args) => {
  say(`pier ${args.join(' ')}`);
  return spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
};
const lab = cli(['lab', 'demo', ...process.argv.slice(2)]);
if (lab !== 0) process.exit(lab);
// A named lab (`npm run demo -- --name X`) is addressed as X/dev1.
const named = process.argv.indexOf('--name');
const device = named > 0 && process.argv[named + 1] ? `${process.argv[named + 1]}/dev1` : 'dev1';
const sensor = join('examples', 'sensor-publisher');
const deployed = cli(['deploy', '--device', device, '--file', join(sensor, 'Dockerfile'), '--context', sensor, '--accept-new-host-key']);
if (deployed !== 0) process.exit(deployed);
process.exit(cli(['logs', '--device', device, 'sensor-publisher', '--since', '1m', '--tail', '10']));
