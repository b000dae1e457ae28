// Helpers the security rules share: which user a stage runs as, what the container's command is,
// whether an entrypoint steps down from root, and how file modes and secret-looking text read.

import type { Arg, Env, Instruction } from 'dockerfile-ast';
import type { Range } from '../engine/types';
import type { DockerfileContext, RunInfo, Stage } from './context';
import { parseShell, positionals, unwrap, type ShellAssign, type ShellCommand, type ShellWord } from './shell';

/** The USER in effect at a point: the instruction that set it and its resolved text. */
export interface UserInEffect {
  /** The USER instruction; undefined when no USER was written (the base image's user applies). */
  inst?: Instruction;
  /** The user spec after substitution (`app`, `1000:1000`). */
  spec?: string;
  /** False when the spec holds a variable that could not be resolved. */
  known: boolean;
}

/** The last USER before `before` in the stage (or at its end), looking through `FROM <stage>` ancestors. */
export function userInEffect(ctx: DockerfileContext, stage: Stage, before?: Instruction): UserInEffect {
  let found: Instruction | undefined;
  for (const s of ctx.lineage(stage)) {
    for (const inst of s.instructions) {
      if (inst === before) break;
      if (inst.getKeyword() === 'USER') found = inst;
    }
  }
  if (!found) return { known: true };
  const raw = found.getArgumentsContent()?.trim() ?? '';
  const r = ctx.resolve(raw, found);
  return { inst: found, spec: r.value, known: r.complete && raw !== '' };
}

/** True when a user spec (`root`, `0`, `0:0`, `root:staff`) names the root user. */
export function isRootSpec(spec: string): boolean {
  const user = spec.split(':')[0].trim();
  return user === 'root' || /^0+$/.test(user);
}

/** What the base image of a stage's lineage is known to run as when no USER is written. */
export type BaseUser = 'root' | 'non-root' | 'unknown';

/** Images that are published to run as a non-root user by default. */
function knownNonRootBase(registry: string, repository: string, tag: string): boolean {
  if (/(^|-)nonroot$/.test(tag)) return true; // distroless `:nonroot`, `:debug-nonroot`
  if (registry === 'cgr.dev' && repository.startsWith('chainguard/')) return !/(^|-)dev$/.test(tag);
  if (/-unprivileged$/.test(repository) || /-rootless$/.test(repository)) return true;
  return registry === 'docker.io' && repository.startsWith('bitnami/');
}

/** The default user of the image a stage's lineage starts from. */
export function baseUser(ctx: DockerfileContext, stage: Stage): BaseUser {
  const root = ctx.lineage(stage)[0];
  if (root.imageResolved && root.image.toLowerCase() === 'scratch') return 'root';
  const ref = root.ref;
  if (!ref) return 'unknown';
  if (knownNonRootBase(ref.registry, ref.repository, ref.tag ?? 'latest')) return 'non-root';
  // Docker Official Images and distroless run as root unless a tag says otherwise.
  if (ref.registry === 'docker.io' && !ref.repository.includes('/')) return 'root';
  if (ref.registry === 'gcr.io' && ref.repository.startsWith('distroless/')) return 'root';
  return 'unknown';
}

/** True when the lineage starts from an image without a shell or user database (scratch, distroless). */
export function minimalBase(ctx: DockerfileContext, stage: Stage): boolean {
  const root = ctx.lineage(stage)[0];
  if (root.imageResolved && root.image.toLowerCase() === 'scratch') return true;
  const ref = root.ref;
  if (!ref) return false;
  return (ref.registry === 'gcr.io' && ref.repository.startsWith('distroless/')) || (ref.registry === 'cgr.dev' && /(^|\/)static$/.test(ref.repository));
}

/** The program a CMD or ENTRYPOINT runs: its words and, for the shell form, its parsed commands. */
export interface ContainerCommand {
  inst: Instruction;
  /** Exec form: the JSON strings. Shell form: the words of the first command. */
  words: string[];
  commands: ShellCommand[];
  exec: boolean;
}

// Parsed commands and unwrapped RUN commands are asked for by several rules; instructions and
// stages belong to one analysis, so weak maps keyed on them never serve a stale answer.
const commandCache = new WeakMap<Instruction, ContainerCommand>();
const lineageCache = new WeakMap<Stage, ShellCommand[]>();
// dockerfile-ast re-tokenises an instruction's arguments on every call, so read them once.
const sourcesCache = new WeakMap<Instruction, Array<{ value: string; range: Range }>>();
const varsCache = new WeakMap<DockerfileContext, DeclaredVar[]>();

/** Read a CMD/ENTRYPOINT/HEALTHCHECK-style instruction as a command. Never throws. */
export function containerCommand(ctx: DockerfileContext, inst: Instruction): ContainerCommand {
  let c = commandCache.get(inst);
  if (!c) commandCache.set(inst, (c = readCommand(ctx, inst)));
  return c;
}

function readCommand(ctx: DockerfileContext, inst: Instruction): ContainerCommand {
  const r = inst.getArgumentsRange();
  if (!r) return { inst, words: [], commands: [], exec: false };
  const start = ctx.lines.offsetAt(r.start);
  const text = ctx.text.slice(start, ctx.lines.offsetAt(inst.getRange().end));
  if (text.trimStart().startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(text.replace(/\\\r?\n/g, ''));
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) return { inst, words: arr, commands: [], exec: true };
    } catch {
      /* not JSON: the builder runs it through a shell */
    }
  }
  const shell = parseShell(text, start, ctx.lines);
  return { inst, words: shell.commands[0]?.args.map((a) => a.value) ?? [], commands: shell.commands, exec: false };
}

/** The CMD and ENTRYPOINT in effect for a stage (the last of each in its lineage). */
export function effectiveCommands(ctx: DockerfileContext, stage: Stage): { cmd?: ContainerCommand; entrypoint?: ContainerCommand } {
  let cmd: Instruction | undefined;
  let entrypoint: Instruction | undefined;
  for (const s of ctx.lineage(stage)) {
    for (const inst of s.instructions) {
      const k = inst.getKeyword();
      if (k === 'CMD') cmd = inst;
      else if (k === 'ENTRYPOINT') entrypoint = inst;
    }
  }
  return { cmd: cmd && containerCommand(ctx, cmd), entrypoint: entrypoint && containerCommand(ctx, entrypoint) };
}

/** Tools that start a process as another user; an entrypoint using them steps down from root. */
export const PRIVILEGE_DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'runuser', 's6-setuidgid', 's6-applyuidgid', 'setuidgid', 'chpst']);

/** Droppers that only count when the command itself runs them (every distro ships `su`). */
const COMMAND_DROPPERS = new Set([...PRIVILEGE_DROPPERS, 'su']);

/** Package managers and the subcommands that install. */
const INSTALLERS: Record<string, string[]> = {
  'apt-get': ['install'],
  apt: ['install'],
  apk: ['add'],
  dnf: ['install'],
  yum: ['install'],
  microdnf: ['install'],
  zypper: ['install', 'in'],
};

/** The package names an install command asks for (`'su-exec>=0.2'` -> `su-exec`, `gosu=1.17-1` -> `gosu`). */
export function installedPackages(cmd: ShellCommand): ShellWord[] {
  const subs = INSTALLERS[cmd.name];
  if (!subs) return [];
  const pos = positionals(cmd);
  if (!pos.length || !subs.includes(pos[0].value)) return [];
  return pos.slice(1);
}

/** The bare package name of an install argument. */
export function packageName(arg: string): string {
  return arg.replace(/^[^/]*\//, '').split(/[<>=~:]/)[0].toLowerCase();
}

/** Every unwrapped shell command in the RUNs of a stage's lineage. */
export function lineageCommands(ctx: DockerfileContext, stage: Stage): ShellCommand[] {
  let cmds = lineageCache.get(stage);
  if (!cmds) lineageCache.set(stage, (cmds = ctx.lineage(stage).flatMap((s) => s.runs.flatMap((r) => r.shell.commands.map(unwrap)))));
  return cmds;
}

/** Packages installed in a stage's lineage, lower-cased. */
export function lineagePackages(ctx: DockerfileContext, stage: Stage): Set<string> {
  const out = new Set<string>();
  for (const c of lineageCommands(ctx, stage)) for (const p of installedPackages(c)) out.add(packageName(p.value));
  return out;
}

/** True when the stage's container starts as root but its entrypoint visibly steps down to another user. */
export function dropsPrivileges(ctx: DockerfileContext, stage: Stage): boolean {
  const { cmd, entrypoint } = effectiveCommands(ctx, stage);
  const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  const named = (c?: ContainerCommand) =>
    !!c && (c.words.some((w) => COMMAND_DROPPERS.has(base(w))) || c.commands.some((x) => COMMAND_DROPPERS.has(unwrap(x).name) || COMMAND_DROPPERS.has(x.name)));
  if (named(entrypoint) || named(cmd)) return true;
  if (!entrypoint) return false;
  // s6-overlay's `/init` supervises services whose run scripts step down with s6-setuidgid.
  if (entrypoint.words[0] === '/init') return true;
  // A dropper installed, downloaded and run, or copied into the image is there for the entrypoint script.
  const tools = PRIVILEGE_DROPPERS;
  for (const p of lineagePackages(ctx, stage)) if (tools.has(p)) return true;
  for (const c of lineageCommands(ctx, stage)) if (tools.has(c.name)) return true;
  for (const s of ctx.lineage(stage)) {
    for (const inst of s.instructions) {
      if (inst.getKeyword() !== 'COPY' && inst.getKeyword() !== 'ADD') continue;
      if (copySources(inst).some((a) => tools.has(base(a.value.replace(/\/+$/, ''))))) return true;
    }
  }
  return false;
}

/** A user account a RUN creates. */
export interface CreatedAccount {
  name: string;
  /** A system account without a login shell: one a daemon drops its privileges to (nginx, redis). */
  daemon: boolean;
}

const USERADD_VALUE_FLAGS = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-G', '-k', '-K', '-p', '-s', '-u', '-Z', '-R', '-P', '--base-dir', '--comment', '--home-dir', '--home', '--expiredate', '--inactive', '--gid', '--groups', '--skel', '--key', '--password', '--shell', '--uid', '--selinux-user', '--root', '--prefix', '--ingroup', '--gecos', '--conf', '--firstuid', '--lastuid', '--firstgid', '--lastgid', '-h']);

/** Accounts created with useradd/adduser in a stage's lineage, in order. */
export function createdAccounts(ctx: DockerfileContext, stage: Stage): CreatedAccount[] {
  const out: CreatedAccount[] = [];
  for (const c of lineageCommands(ctx, stage)) {
    if (c.name !== 'useradd' && c.name !== 'adduser') continue;
    const names: string[] = [];
    let system = false;
    let shell: string | undefined;
    const args = c.args.slice(1);
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === '--system' || (c.name === 'adduser' && v === '-S') || (c.name === 'useradd' && /^-[a-zA-Z]*r[a-zA-Z]*$/.test(v))) system = true;
      if (v === '-s' || v === '--shell') shell = args[i + 1]?.value;
      else if (v.startsWith('--shell=')) shell = v.slice(8);
      if (v.startsWith('-')) {
        if (!v.includes('=') && USERADD_VALUE_FLAGS.has(v)) i++;
        continue;
      }
      names.push(v);
    }
    // useradd takes the login last; adduser takes it first (`adduser user group` adds to a group).
    const name = c.name === 'useradd' ? names[names.length - 1] : names.length === 1 ? names[0] : undefined;
    // An account given a real shell (`--shell /bin/bash`) is for people, whatever its uid range.
    const login = !!shell && !/(nologin|false)$/.test(shell);
    if (name && /^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) out.push({ name, daemon: system && !login });
  }
  return out;
}

/** Source words of a COPY/ADD (all arguments but the destination), exec form included. */
export function copySources(inst: Instruction): Array<{ value: string; range: Range }> {
  let sources = sourcesCache.get(inst);
  if (!sources) sourcesCache.set(inst, (sources = readSources(inst)));
  return sources;
}

function readSources(inst: Instruction): Array<{ value: string; range: Range }> {
  const json = (inst as unknown as { getJSONStrings?: () => Array<{ getJSONValue(): string; getRange(): Range }> }).getJSONStrings?.() ?? [];
  let args = json.length
    ? json.map((a) => ({ value: a.getJSONValue(), range: a.getRange() }))
    : inst.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() }));
  // Heredoc sources (`COPY <<EOF /x`) are inline text, not files; their bodies are not arguments.
  if (args.some((a) => a.value.startsWith('<<'))) {
    const line = inst.getRange().start.line;
    args = args.filter((a) => a.range.start.line === line);
  }
  return args.slice(0, -1).filter((a) => !a.value.startsWith('<<'));
}

/** Parse a chmod-style mode; true when it makes the file writable by everyone without the sticky bit. */
export function worldWritableMode(mode: string): { writable: boolean; numeric: boolean; executable: boolean } {
  const no = { writable: false, numeric: false, executable: false };
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    const special = Number(digits[0]);
    const other = Number(digits[3]);
    const exec = [1, 2, 3].some((i) => Number(digits[i]) & 1);
    // The sticky bit (1777, like /tmp) lets everyone create files but not delete others': the shared-directory idiom.
    return { writable: (other & 2) !== 0 && (special & 1) === 0, numeric: true, executable: exec };
  }
  let writable = false;
  let sticky = false;
  let executable = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return no;
    const [, who, op, perms] = m;
    if (op === '-') continue;
    if (perms.includes('t')) sticky = true;
    if (/[xX]/.test(perms)) executable = true;
    // A clause without `who` is filtered by the umask, which removes other-write.
    if (perms.includes('w') && /[oa]/.test(who)) writable = true;
  }
  return { writable: writable && !sticky, numeric: false, executable };
}

/** Tags other FROMs in the file give the same image (never `latest`), in order of appearance. */
export function tagsUsedFor(ctx: DockerfileContext, stage: Stage): string[] {
  const ref = stage.ref;
  if (!ref) return [];
  const tags: string[] = [];
  for (const s of ctx.stages) {
    const r = s.ref;
    if (s === stage || !r || r.registry !== ref.registry || r.repository !== ref.repository) continue;
    if (r.tag && r.tag !== 'latest' && !tags.includes(r.tag)) tags.push(r.tag);
  }
  return tags;
}

/** True when the FROM names its image literally (no variables), so an edit there is safe. */
export function literalImage(stage: Stage): boolean {
  return !(stage.from.getImage() ?? '').includes('$');
}

/** One `NAME=value` from an ARG or ENV instruction, global ARGs included. */
export interface DeclaredVar {
  inst: Instruction;
  keyword: 'ARG' | 'ENV';
  name: string;
  /** The value after quote removal; null for `ARG NAME` without a default. */
  value: string | null;
  range: Range;
  valueRange: Range | null;
}

/** Every ARG and ENV variable of the file, in order. */
export function declaredVars(ctx: DockerfileContext): DeclaredVar[] {
  let vars = varsCache.get(ctx);
  if (!vars) varsCache.set(ctx, (vars = readVars(ctx)));
  return vars;
}

function readVars(ctx: DockerfileContext): DeclaredVar[] {
  const out: DeclaredVar[] = [];
  for (const inst of ctx.dockerfile.getInstructions()) {
    const k = inst.getKeyword();
    if (k !== 'ARG' && k !== 'ENV') continue;
    const props = k === 'ARG' ? [(inst as Arg).getProperty()] : (inst as Env).getProperties();
    for (const p of props) {
      if (!p?.getName()) continue;
      out.push({ inst, keyword: k, name: p.getName(), value: p.getValue(), range: p.getRange(), valueRange: p.getValueRange() });
    }
  }
  return out;
}

const assignsCache = new WeakMap<RunInfo, ShellAssign[]>();

/** Variables a RUN sets for its commands: `export X=1`, `X=1 cmd`, `env X=1 cmd`, `sudo X=1 cmd`. */
export function runAssigns(run: RunInfo): ShellAssign[] {
  let out = assignsCache.get(run);
  if (!out) assignsCache.set(run, (out = readAssigns(run)));
  return out;
}

function readAssigns(run: RunInfo): ShellAssign[] {
  const seen = new Set<number>();
  const out: ShellAssign[] = [];
  const add = (a: ShellAssign) => {
    // Bare assignments appear both as the script's and as their command's; keep one by position.
    const key = a.range.start.line * 1e6 + a.range.start.character;
    if (!a.name || seen.has(key)) return;
    seen.add(key);
    out.push(a);
  };
  run.shell.assigns.forEach(add);
  for (const c of run.shell.commands) {
    c.assigns.forEach(add);
    if (c.name !== 'env' && c.name !== 'sudo') continue;
    for (let i = 1; i < c.args.length; i++) {
      const w = c.args[i];
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w.value);
      if (m) add({ name: m[1], value: m[2], range: w.range });
      else if (!w.value.startsWith('-')) break;
      else if (c.name === 'sudo' && /^-[ugCDhprtTU]$/.test(w.value)) i++;
    }
  }
  return out;
}

/** The user part of the last `COPY`/`ADD --chown=user[:group]` in a stage's lineage that is not root. */
export function chownUser(ctx: DockerfileContext, stage: Stage): string | undefined {
  let user: string | undefined;
  for (const s of ctx.lineage(stage)) {
    for (const inst of s.instructions) {
      const k = inst.getKeyword();
      if (k !== 'COPY' && k !== 'ADD') continue;
      const v = ctx.flag(inst, 'chown');
      if (!v) continue;
      const r = ctx.resolve(v, inst);
      if (r.complete && !isRootSpec(r.value)) user = r.value.split(':')[0];
    }
  }
  return user;
}
