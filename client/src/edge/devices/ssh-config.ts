// ~/.ssh/config as OpenSSH reads it, through the ssh-config package: Include expanded (globs,
// relative to ~/.ssh, nested), then HostName, User, Port, IdentityFile, IdentitiesOnly and
// ProxyJump resolved per host, jump hosts through the same config.

import { readdir, readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type SSHConfigClass from 'ssh-config' with { 'resolution-mode': 'import' };

// ssh-config ships a CommonJS build, but its types point at the ES module build only; load the
// CommonJS one (what esbuild bundles too) and take the types from the other.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SSHConfig = (require('ssh-config') as { default: typeof SSHConfigClass }).default;
type SSHConfig = SSHConfigClass;
import type { SshEndpoint } from '../ssh/target';

const MAX_INCLUDE_DEPTH = 16;

/** Where to read from, and the names used to expand `~` and `%` tokens. */
export interface SshConfigContext {
  home?: string;
  localUser?: string;
}

/** A parsed config with Includes inlined, plus what went wrong while reading it. */
export interface LoadedSshConfig {
  config: SSHConfig;
  problems: string[];
}

/** Read and parse an ssh_config file; a missing file is an empty config. */
export async function loadSshConfig(path: string | undefined, ctx: SshConfigContext = {}): Promise<LoadedSshConfig> {
  const home = ctx.home ?? homedir();
  const file = path ?? join(home, '.ssh', 'config');
  const problems: string[] = [];
  const text = await readFile(file, 'utf8').catch(() => '');
  const expanded = await expandIncludes(text, home, problems, 0);
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(expanded);
  } catch (e) {
    problems.push(`${file}: ${(e as Error).message}`);
    config = SSHConfig.parse('');
  }
  return { config, problems };
}

/** Inline Include directives. After each, the enclosing Host/Match line is repeated so the lines
 * that follow keep the block they belong to, as OpenSSH restores it. */
async function expandIncludes(text: string, home: string, problems: string[], depth: number): Promise<string> {
  const out: string[] = [];
  let header = 'Host *';
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i.exec(line);
    if (/^\s*(host|match)\b/i.test(line)) header = line.trim();
    if (!m) {
      out.push(line);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      problems.push(`Include nested more than ${MAX_INCLUDE_DEPTH} deep: ${m[1]}`);
      continue;
    }
    for (const pattern of splitWords(m[1])) {
      const abs = expandTilde(pattern, home);
      const full = isAbsolute(abs) ? abs : join(home, '.ssh', abs);
      for (const f of await glob(full)) {
        const inner = await readFile(f, 'utf8').catch(() => undefined);
        if (inner === undefined) continue;
        out.push(await expandIncludes(inner, home, problems, depth + 1));
        out.push(header);
      }
    }
  }
  return out.join('\n');
}

function splitWords(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/** Expand `*` and `?` in each path segment, sorted like glob(3). */
async function glob(path: string): Promise<string[]> {
  const parts = path.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (const part of parts.slice(1)) {
    if (!part) continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const names = await readdir(base).catch(() => [] as string[]);
      next.push(...names.filter((n) => re.test(n) && !n.startsWith('.')).sort().map((n) => join(base, n)));
    }
    bases = next;
  }
  return bases;
}

/** The concrete host aliases a config names (no wildcards, no negations). */
export function configHosts(config: SSHConfig): string[] {
  const out = new Set<string>();
  const visit = (lines: SSHConfig) => {
    for (const line of lines) {
      if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
      const values = typeof line.value === 'string' ? [line.value] : line.value.map((v) => v.val);
      for (const v of values.flatMap((x) => x.split(/\s+/))) if (v && !/[*?!%]/.test(v)) out.add(v);
    }
  };
  visit(config);
  return [...out];
}

/** One hop as OpenSSH would resolve it from the config (no jumps). */
export interface ResolvedHost extends SshEndpoint {
  alias: string;
  proxyJump?: string;
}

/** Resolve an alias (optionally `user@` and `:port` given on the side) through the config. */
export function resolveHost(config: SSHConfig, alias: string, ctx: SshConfigContext = {}, given: { user?: string; port?: number } = {}): ResolvedHost {
  const home = ctx.home ?? homedir();
  const localUser = ctx.localUser ?? userInfo().username;
  // Match exec would run commands from the file; Pier only reads it.
  const raw = config.compute(alias, { matchExec: false });
  const opts: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) opts[k.toLowerCase()] ??= v;
  const one = (k: string) => {
    const v = opts[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const host = (one('hostname') ?? alias).replace(/%h/g, alias);
  const user = given.user ?? one('user') ?? localUser;
  const port = given.port ?? (Number(one('port')) || 22);
  const files = opts.identityfile === undefined ? [] : Array.isArray(opts.identityfile) ? opts.identityfile : [opts.identityfile];
  const tokens = (s: string) =>
    s.replace(/%(.)/g, (_m, c: string) => ({ h: host, r: user, u: localUser, d: home, p: String(port), n: alias, '%': '%' })[c] ?? `%${c}`);
  const jump = one('proxyjump');
  return {
    alias,
    host,
    user,
    port,
    identityFiles: files.filter((f) => f.toLowerCase() !== 'none').map((f) => expandTilde(tokens(f), home)),
    identitiesOnly: (one('identitiesonly') ?? 'no').toLowerCase() === 'yes',
    proxyJump: jump && jump.toLowerCase() !== 'none' ? jump : undefined,
  };
}

/** Parse one ProxyJump element: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export function parseJumpSpec(spec: string): { host: string; user?: string; port?: number } {
  let s = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1], user, port: v6[2] ? Number(v6[2]) : undefined };
  const m = /^(.*):(\d+)$/.exec(s);
  if (m) {
    s = m[1];
    port = Number(m[2]);
  }
  return { host: s, user, port };
}

/** The jump chain for a ProxyJump value, each hop resolved through the config, first hop first. */
export function resolveJumps(config: SSHConfig, proxyJump: string | undefined, ctx: SshConfigContext = {}, depth = 0): SshEndpoint[] {
  if (!proxyJump || depth > 8) return [];
  const chain: SshEndpoint[] = [];
  for (const spec of proxyJump.split(',')) {
    const j = parseJumpSpec(spec);
    const r = resolveHost(config, j.host, ctx, { user: j.user, port: j.port });
    // A jump host with its own ProxyJump is reached through that chain first, like OpenSSH does.
    if (chain.length === 0) chain.push(...resolveJumps(config, r.proxyJump, ctx, depth + 1));
    chain.push({ host: r.host, port: r.port, user: r.user, identityFiles: r.identityFiles, identitiesOnly: r.identitiesOnly });
  }
  return chain;
}
