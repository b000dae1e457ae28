// dist/server.js: starts the language server bundle (dist/server-main.js) with V8's code cache, so
// a server started after the first one skips most of the bundle's parse and compile. The cache is
// made once the server has run its first analyses (so it holds those functions too) or at exit,
// in the directory the client names in NODE_COMPILE_CACHE (the extension's global storage; Node
// 22+ keeps its own cache there too, for other files), else
// in ~/.cache/pier/server-code. Files are named by a hash of the bundle and the runtime, so a
// cache never meets another build; one V8 rejects, or any failure to read or write, only costs
// the compile it would have saved. Nothing here writes to stdout.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';

const MAIN = join(__dirname, 'server-main.js');
/** Files the server requires later that get a code cache too: the shell parser, 1.3 MB. */
const LAZY = new Set(['./shell-parser.js']);
/** How long after start the cache is written when there was none (the first analyses are done by then). */
const WRITE_AFTER_MS = 3000;

/** Where cache files go: the client's choice, else the user's cache directory. */
function cacheDir(): string {
  const fromClient = process.env.NODE_COMPILE_CACHE;
  if (fromClient) return join(fromClient, 'pier-server');
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'pier', 'server-code');
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Compile a CommonJS file with a code cache when there is one; returns a function that runs it and
 * gives its exports. Requires inside it of files next to it that are in `cached` go the same way.
 */
function compileWithCodeCache(path: string, cached: ReadonlySet<string>): () => unknown {
  // Hashed as bytes: cheaper than hashing the string, which would encode it back to UTF-8.
  const bytes = readFileSync(path);
  const source = bytes.toString('utf8');
  const dir = cacheDir();
  const name = basename(path, '.js');
  const key = createHash('sha256').update(process.version).update(process.arch).update(bytes).digest('hex').slice(0, 24);
  const file = join(dir, `${name}-${key}.v8`);
  const cachedData = readOrUndefined(file);
  const script = new Script(Module.wrap(source), { filename: path, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      try {
        mkdirSync(dir, { recursive: true });
        // Written beside and renamed, so a server starting meanwhile never reads half a file.
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
        // Caches of other builds of this file are of no further use.
        const other = new RegExp(`^${name}-[0-9a-f]+\\.v8$`);
        for (const n of readdirSync(dir)) if (other.test(n) && join(dir, n) !== file) rmSync(join(dir, n), { force: true });
      } catch {
        // A read-only or full disk: the next start compiles again.
      }
    };
    setTimeout(write, WRITE_AFTER_MS).unref();
    process.once('exit', write);
  }
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  return () => {
    const m = new Module(path, module);
    m.filename = path;
    const plain = createRequire(path);
    const loaded = new Map<string, unknown>();
    const req = Object.assign((id: string) => {
      if (!cached.has(id)) return plain(id);
      if (!loaded.has(id)) loaded.set(id, compileWithCodeCache(join(__dirname, id), cached)());
      return loaded.get(id);
    }, plain) as NodeJS.Require;
    fn.call(m.exports, m.exports, req, m, path, __dirname);
    return m.exports;
  };
}

function start(): void {
  // Also on Node 22+, whose own compile cache (NODE_COMPILE_CACHE) is made when a file is
  // compiled and so lacks the functions compiled later: measured on Node 24, this cache took the
  // server's CPU time to its first diagnostics from 420 to 310 ms, Node's from 420 to 380 ms.
  let run: (() => unknown) | undefined;
  try {
    run = compileWithCodeCache(MAIN, LAZY);
  } catch {
    // Reading or compiling this way failed: Node's own loader does it.
  }
  if (run) run();
  else require(MAIN);
}

start();
