// Helpers the size rules share: which stages reach the device, cache mounts, what a later
// command in the same RUN removes, and fixes that append a command to a RUN.

import { minimatch } from 'minimatch';
import type { Arg, Env, Instruction } from 'dockerfile-ast';
import type { Fix, Range } from '../engine/types';
import type { DockerfileContext, RunInfo, Stage } from './context';
import { finalLineage, insertAt } from './helpers';
import { hasFlag, positionals, subcommand, unwrap, type ShellCommand, type ShellWord } from './shell';
import type { ImageRef } from './image-ref';

/** Stages whose layers end up in the final image (the final stage and the stages it is built FROM). */
export function shippedStages(ctx: DockerfileContext): Set<Stage> {
  return new Set(finalLineage(ctx));
}

/** The RUNs whose layers the device downloads. */
export function shippedRuns(ctx: DockerfileContext): RunInfo[] {
  const shipped = shippedStages(ctx);
  return ctx.runs.filter((r) => shipped.has(r.stage));
}

/** One `--mount=` flag of a RUN. */
export interface Mount {
  type: string;
  target?: string;
}

/** The `--mount` flags of a RUN, parsed from their comma-separated key=value form. */
export function mountsOf(run: RunInfo): Mount[] {
  return (run.flags.get('mount') ?? []).map((v) => {
    const m: Mount = { type: 'bind' };
    for (const part of v.split(',')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
      const val = eq < 0 ? '' : part.slice(eq + 1).trim().replace(/^["']|["']$/g, '');
      if (key === 'type') m.type = val.toLowerCase();
      else if (key === 'target' || key === 'dst' || key === 'destination') m.target = normalizePath(val);
    }
    return m;
  });
}

/** True when a cache or tmpfs mount holds one of `dirs` (the mount is the directory or a parent of it). */
export function cacheMounted(run: RunInfo, dirs: string[]): boolean {
  return mountsOf(run).some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target !== undefined && dirs.some((d) => isSameOrInside(normalizePath(d), m.target!)));
}

/**
 * A path in a comparable form: home directories (`~`, `$HOME`, `/root`, `/home/<user>`) become `~`,
 * repeated and trailing slashes go, and a trailing `/*` or `/.` (the directory's contents) is dropped,
 * since emptying a cache directory is as good as removing it.
 */
export function normalizePath(p: string): string {
  let s = p.trim();
  s = s.replace(/^(?:~|\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+)(?=\/|$)/, '~');
  s = s.replace(/\/{2,}/g, '/');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\/\.?\*?$/, '').replace(/\/\.$/, '');
  }
  return s || '/';
}

/** True when `path` is `dir` or lies inside it (both normalised; `dir` may hold shell globs). */
export function isSameOrInside(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  if (path === dir || path.startsWith(dir + '/')) return true;
  if (!/[*?[]/.test(dir)) return false;
  // A glob names the entries it matches; `path` is inside one of them when a prefix of it matches.
  const parts = path.split('/');
  for (let n = parts.length; n > 0; n--) {
    if (minimatch(parts.slice(0, n).join('/'), dir, { dot: false })) return true;
  }
  return false;
}

/** The words an `rm` removes (its operands), or none for other commands. */
export function rmTargets(cmd: ShellCommand): ShellWord[] {
  if (cmd.name !== 'rm') return [];
  const out: ShellWord[] = [];
  let operands = false;
  for (const a of cmd.args.slice(1)) {
    if (!operands && a.value === '--') operands = true;
    else if (operands || !a.value.startsWith('-')) out.push(a);
  }
  return out;
}

const unwrapped = new WeakMap<RunInfo, ShellCommand[]>();

/** The commands of a RUN in script order, unwrapped from sudo/env and friends (computed once per RUN). */
export function runCommands(run: RunInfo): ShellCommand[] {
  let cmds = unwrapped.get(run);
  if (!cmds) {
    cmds = run.shell.commands.map(unwrap).sort((a, b) => a.start - b.start);
    unwrapped.set(run, cmds);
  }
  return cmds;
}

/** True when a command after offset `after` in the RUN removes one of `dirs` (or empties it). */
export function removedLater(run: RunInfo, after: number, dirs: string[]): boolean {
  const wanted = dirs.map(normalizePath);
  return runCommands(run).some((c) => c.start > after && rmTargets(c).some((w) => wanted.some((d) => isSameOrInside(d, normalizePath(w.value)))));
}

/** Commands of a RUN whose name is one of `names` and whose first positional is one of `subs`. */
export function runSubcommands(run: RunInfo, names: string[], subs: string[]): ShellCommand[] {
  return runCommands(run).filter((c) => names.includes(c.name) && subs.includes(subcommand(c) ?? ''));
}

/** The range from a command's name to its subcommand word (`apt-get install`), or the name alone. */
export function commandHead(cmd: ShellCommand, sub?: string): Range {
  const name = cmd.args[0];
  if (!name) return cmd.range;
  const s = sub ?? subcommand(cmd);
  const w = s === undefined ? undefined : positionals(cmd).find((p) => p.value === s);
  return { start: name.range.start, end: (w ?? name).range.end };
}

/** True when the RUN carries a heredoc (`RUN <<EOF`, `RUN cat <<EOF > f`). */
export function hasHeredoc(ctx: DockerfileContext, run: RunInfo): boolean {
  return /<<(?!<)-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?/.test(ctx.lines.lineText(run.instruction.getRange().start.line));
}

/**
 * A fix that runs `shellText` at the end of a RUN, in the same layer: `&& text` after the last
 * command (or `text` after a trailing `;`), or a new last line inside a `RUN <<EOF` script.
 * Undefined where an edit could change what the RUN does (exec form, heredocs fed to a command,
 * a trailing comment, a script that does not parse).
 */
export function appendCommandFix(ctx: DockerfileContext, run: RunInfo, shellText: string, title: string): Fix | undefined {
  if (run.exec || run.shell.error || !run.shell.commands.length) return undefined;
  const inst = run.instruction;
  const end = inst.getRange().end;
  if (hasHeredoc(ctx, run)) {
    // Only the plain `RUN <<EOF` form runs the body as the script; its last line is the terminator.
    const first = ctx.lines.lineText(inst.getRange().start.line);
    if (!/^\s*RUN\s+(?:--\S+\s+)*<<-?["']?[A-Za-z_][A-Za-z0-9_]*["']?\s*$/i.test(first) || end.line === inst.getRange().start.line) return undefined;
    return { title, edits: [insertAt({ line: end.line, character: 0 }, `${shellText}\n`)] };
  }
  const endOffset = ctx.lines.offsetAt(end);
  const lastCmdEnd = Math.max(...run.shell.commands.map((c) => c.end));
  if (ctx.text.slice(lastCmdEnd, endOffset).includes('#')) return undefined;
  const script = ctx.text.slice(lastCmdEnd - 1, endOffset).replace(/(?:\s|\\\r?\n)+$/, '');
  if (/(?:&&|\|\||[|&\\])$/.test(script)) return undefined;
  const lastLine = ctx.lines.lineText(end.line);
  const indent = end.line > inst.getRange().start.line ? (/^[ \t]*/.exec(lastLine)?.[0] ?? '') || '    ' : '    ';
  const joiner = script.endsWith(';') ? '' : '&& ';
  return { title, edits: [insertAt(end, ` \\\n${indent}${joiner}${shellText}`)] };
}

/** What a package manager's cache rule needs to know (yum, dnf, zypper share one check). */
export interface CacheCleanSpec {
  /** Command names (`dnf`, `microdnf`). */
  managers: string[];
  /** Subcommands that fill the cache (`install`, `in`). */
  installs: string[];
  /** True when a command cleans the cache (`dnf clean all`). */
  cleans(cmd: ShellCommand): boolean;
  /** Cache directories: removing them, or a cache mount on them, is as good as cleaning. */
  cacheDirs: string[];
  /** The clean command to suggest, given the manager that installed. */
  cleanText(manager: string): string;
}

/** Report RUNs of shipped stages whose last install by one of the managers is not followed by a clean. */
export function checkCacheCleaned(ctx: DockerfileContext, spec: CacheCleanSpec): void {
  for (const run of shippedRuns(ctx)) {
    if (cacheMounted(run, spec.cacheDirs)) continue;
    const installs = run.exec ? execInstalls(run, spec) : runSubcommands(run, spec.managers, spec.installs);
    const last = installs[installs.length - 1];
    if (!last) continue;
    const later = runCommands(run).filter((c) => c.start > last.start);
    if (later.some((c) => spec.managers.includes(c.name) && spec.cleans(c))) continue;
    if (removedLater(run, last.start, spec.cacheDirs)) continue;
    const clean = spec.cleanText(last.name);
    ctx.report({
      range: run.exec ? (run.instruction.getArgumentsRange() ?? run.instruction.getRange()) : commandHead(last),
      message: `${last.name} ${subcommand(last)} leaves its package cache and repository metadata in the layer (often tens of MB on the device); run \`${clean}\` in the same RUN.`,
      fixes: optional(appendCommandFix(ctx, run, clean, `Append \`${clean}\` to this RUN`)),
    });
  }
}

/** An exec-form RUN that is itself an install. */
function execInstalls(run: RunInfo, spec: CacheCleanSpec): ShellCommand[] {
  const words = run.exec ?? [];
  const name = (words[0] ?? '').replace(/^.*\//, '');
  const sub = words.slice(1).find((w) => !w.startsWith('-'));
  if (!spec.managers.includes(name) || !spec.installs.includes(sub ?? '')) return [];
  const r = run.instruction.getRange();
  const args = words.map((value) => ({ value, raw: value, range: r, start: 0, end: 0, literal: true }));
  return [{ name, args, assigns: [], range: r, start: 0, end: 0 }];
}

/** A fix list from an optional fix. */
export function optional(fix: Fix | undefined): Fix[] | undefined {
  return fix ? [fix] : undefined;
}

/** True when `name` is set for RUN commands at `inst` by ENV or ARG in the stage or the stages it builds on. */
export function envSet(ctx: DockerfileContext, inst: Instruction, name: string): boolean {
  const stage = ctx.stageOf(inst);
  if (!stage) return false;
  for (const s of ctx.lineage(stage)) {
    for (const i of s.instructions) {
      if (i === inst) return false;
      if (i.getKeyword() === 'ENV') {
        if ((i as Env).getProperties().some((p) => p.getName() === name && (p.getValue() ?? '') !== '')) return true;
      } else if (i.getKeyword() === 'ARG') {
        // An ARG without a default is set only when the build passes it; assume the author does.
        if ((i as Arg).getProperty()?.getName() === name) return true;
      }
    }
  }
  return false;
}

/** One word of a COPY/ADD, with where it is. */
export interface CopyWord {
  value: string;
  range: Range;
}

/** Sources and destination of a COPY or ADD (shell or JSON form); undefined for heredoc sources or a lone word. */
export function copyArgs(inst: Instruction): { sources: CopyWord[]; dest: CopyWord } | undefined {
  const json = inst as unknown as { getOpeningBracket?(): unknown; getJSONStrings?(): Array<{ getJSONValue(): string; getRange(): Range }> };
  const words: CopyWord[] = json.getOpeningBracket?.()
    ? (json.getJSONStrings?.() ?? []).map((s) => ({ value: s.getJSONValue(), range: s.getRange() }))
    : inst.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() }));
  if (words.length < 2 || words.some((w) => w.value.startsWith('<<'))) return undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/** What a build image is, and what to run the result on instead. */
export interface BuildImage {
  /** `a full Go SDK`, `a JDK`, ... */
  what: string;
  /** The kind of runtime image that fits instead. */
  runtime: string;
}

const GO_LIKE = 'a static binary on scratch, distroless or alpine';

/**
 * Classify an image as a full SDK or build toolchain (golang, rust, gcc, full buildpack-deps, the
 * non-slim node/python/ruby images, JDKs, maven, gradle, the .NET SDK), or undefined for runtimes.
 */
export function buildImage(ref: ImageRef | undefined): BuildImage | undefined {
  if (!ref) return undefined;
  const tag = (ref.tag ?? 'latest').toLowerCase();
  if (ref.registry === 'mcr.microsoft.com') {
    return /^dotnet\/(?:core\/)?sdk$/.test(ref.repository) ? { what: 'the .NET SDK', runtime: 'mcr.microsoft.com/dotnet/runtime or aspnet (or runtime-deps for a self-contained app)' } : undefined;
  }
  if (ref.registry !== 'docker.io') return undefined;
  const slim = /slim|alpine/.test(tag);
  switch (ref.repository) {
    case 'golang':
      return { what: 'a full Go SDK', runtime: GO_LIKE };
    case 'rust':
      return { what: 'a full Rust toolchain', runtime: GO_LIKE };
    case 'gcc':
      return { what: 'a full GCC toolchain', runtime: 'debian:*-slim, alpine or distroless' };
    case 'buildpack-deps':
      return /curl|scm/.test(tag) ? undefined : { what: 'a full build toolchain (buildpack-deps)', runtime: 'debian:*-slim' };
    case 'node':
    case 'python':
    case 'ruby':
      return slim ? undefined : { what: `the full ${ref.repository} image (compilers and headers included)`, runtime: `${ref.repository}:<version>-slim or -alpine` };
    case 'openjdk':
    case 'eclipse-temurin':
    case 'amazoncorretto':
    case 'ibmjava':
    case 'sapmachine':
      return /jre/.test(tag) ? undefined : { what: 'a full JDK', runtime: 'a JRE image such as eclipse-temurin:<version>-jre' };
    case 'maven':
    case 'gradle':
      return { what: `${ref.repository} with a full JDK`, runtime: 'a JRE image such as eclipse-temurin:<version>-jre' };
    default:
      return undefined;
  }
}

/** Families of system package managers that share package names and removal habits. */
export type Family = 'apt' | 'apk' | 'rpm' | 'zypper';

/** Package managers, the subcommands that install and remove, and options whose value is the next word. */
export const PACKAGE_MANAGERS: Record<string, { family: Family; install: string[]; remove: string[]; valued: string[] }> = {
  'apt-get': { family: 'apt', install: ['install'], remove: ['purge', 'remove', 'autoremove'], valued: ['-o', '-c', '-t', '--option', '--config-file', '--target-release'] },
  apt: { family: 'apt', install: ['install'], remove: ['purge', 'remove', 'autoremove'], valued: ['-o', '-c', '-t', '--option', '--config-file', '--target-release'] },
  apk: { family: 'apk', install: ['add'], remove: ['del'], valued: ['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file'] },
  dnf: { family: 'rpm', install: ['install'], remove: ['remove', 'erase', 'autoremove'], valued: ['--setopt', '--enablerepo', '--disablerepo', '--repo', '--installroot', '--releasever', '-c', '--config'] },
  microdnf: { family: 'rpm', install: ['install'], remove: ['remove'], valued: ['--setopt', '--enablerepo', '--disablerepo'] },
  yum: { family: 'rpm', install: ['install'], remove: ['remove', 'erase', 'autoremove'], valued: ['--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '-c'] },
  zypper: { family: 'zypper', install: ['install', 'in'], remove: ['remove', 'rm'], valued: ['-r', '--repo', '--from', '-t', '--type'] },
};

/** One package word of an install. */
export interface Pkg {
  name: string;
  range: Range;
}

/** The package names an install command names, with ARG/ENV expansions resolved where possible. */
export function packagesOf(ctx: DockerfileContext, run: RunInfo, cmd: ShellCommand, skipFirst: string): Pkg[] {
  const m = PACKAGE_MANAGERS[cmd.name];
  const out: Pkg[] = [];
  let seenSub = false;
  for (let i = 1; i < cmd.args.length; i++) {
    const w = cmd.args[i];
    if (w.value.startsWith('-')) {
      if (m.valued.includes(w.value)) i++;
      continue;
    }
    if (!seenSub && w.value === skipFirst) {
      seenSub = true;
      continue;
    }
    let value = w.value;
    if (!w.literal) {
      // `$BUILD_DEPS` from ENV/ARG is judged; `$(cat deps.txt)` or a shell variable cannot be.
      const r = ctx.resolve(w.value, run.instruction);
      if (!r.complete || /[$`]/.test(r.value)) continue;
      value = r.value;
    }
    for (const name of value.split(/\s+/).filter(Boolean)) {
      // `gcc=4:12.2.0-3`, `gcc~12`, `libc6-dev:arm64`, `gcc>=12`: the package is the part before.
      out.push({ name: name.replace(/(?:[:=<>~].*)$/, ''), range: w.range });
    }
  }
  return out;
}

/** What the commands after an install in the same RUN remove: names (maybe globs), or everything. */
interface Removals {
  names: string[];
  all: boolean;
}

const removalsCache = new WeakMap<ShellCommand, Removals>();

/** The removals after `install` in its RUN, computed once per install command. */
function removalsAfter(ctx: DockerfileContext, run: RunInfo, install: ShellCommand): Removals {
  const cached = removalsCache.get(install);
  if (cached) return cached;
  const fam = PACKAGE_MANAGERS[install.name].family;
  const later = runCommands(run).filter((c) => c.start > install.start);
  // apt: `apt-mark auto` (everything, or the saved-manual dance) then `apt-get purge --auto-remove`.
  const marked = later.some((c) => c.name === 'apt-mark' && subcommand(c) === 'auto');
  const out: Removals = { names: [], all: false };
  for (const c of later) {
    const m = PACKAGE_MANAGERS[c.name];
    if (!m || m.family !== fam || !m.remove.includes(subcommand(c) ?? '')) continue;
    out.names.push(...packagesOf(ctx, run, c, subcommand(c)!).map((p) => p.name));
    if (fam === 'apt' && marked && (subcommand(c) === 'autoremove' || hasFlag(c, '--auto-remove', '--autoremove'))) out.all = true;
  }
  removalsCache.set(install, out);
  return out;
}

/** True when a package of an install is removed again later in the same RUN (by name, glob, apk group or autoremove). */
export function removedInRun(ctx: DockerfileContext, run: RunInfo, install: ShellCommand, pkg: string): boolean {
  const r = removalsAfter(ctx, run, install);
  if (r.all) return true;
  // apk: `apk add --virtual .build-deps ...` then `apk del .build-deps`.
  const virtual = install.args.findIndex((a) => a.value === '--virtual' || a.value === '-t');
  const group = virtual > 0 ? install.args[virtual + 1]?.value : undefined;
  return r.names.some((n) => n === pkg || n === group || (/[*?[]/.test(n) && minimatch(pkg, n)));
}

