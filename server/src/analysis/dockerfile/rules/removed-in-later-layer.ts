import { posix } from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { defineRule, type Range, type Related } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { positionals, subcommand, type ShellCommand, type ShellWord } from '../shell';
import {
  copyArgs, isSameOrInside, normalizePath, PACKAGE_MANAGERS, packagesOf, removedInRun, rmTargets, runCommands, commandHead, type Family,
} from '../size-helpers';

/** Something an instruction put into its layer that a later one may try to delete. */
interface Added {
  /** A normalised absolute path, for files and directories. */
  path?: string;
  /** True when the path is a directory whose contents came from this instruction. */
  dir: boolean;
  /** A package, for installs. */
  pkg?: { family: Family | 'pip'; name: string };
  /** How it was added, for the message (`COPY on line 3`). */
  how: string;
  range: Range;
  /** RUNs since it was added: something inside a copied directory may have been written by them. */
  runsSince: number;
  gone?: boolean;
}

const LOCAL_ARCHIVE = /\.(?:tar(?:\.(?:gz|bz2|xz|zst))?|tgz|tbz2?|txz)$/i;
const LISTS = '/var/lib/apt/lists';

/** A path made absolute against a working directory (undefined when that is unknown) and normalised. */
function absolute(p: string, cwd: string | undefined): string | undefined {
  if (/^(?:~|\$HOME\b|\$\{HOME\})/.test(p)) return normalizePath(p);
  if (p.startsWith('/')) return normalizePath(posix.normalize(p));
  return cwd === undefined ? undefined : normalizePath(posix.join(cwd, p));
}

/** A shell word as a path: its literal value, or its ARG/ENV-resolved value; undefined if it depends on the shell. */
function wordPath(ctx: DockerfileContext, inst: Instruction, w: ShellWord, cwd: string | undefined): string | undefined {
  let v = w.value;
  if (!w.literal) {
    const r = ctx.resolve(v, inst);
    if (!r.complete || /[$`]/.test(r.value)) return undefined;
    v = r.value;
  }
  return v ? absolute(v, cwd) : undefined;
}

/** The file a download command writes: `curl -o f`, `curl -O url`, `wget url`, `wget -O f`, `wget -P dir url`. */
function downloadTarget(cmd: ShellCommand): { word: ShellWord; file: string; relative: boolean } | undefined {
  const args = cmd.args.slice(1);
  const url = args.find((a) => /^(?:https?|ftp):\/\//.test(a.value));
  const urlName = url ? (() => {
    try {
      return posix.basename(new URL(url.value).pathname);
    } catch {
      return '';
    }
  })() : '';
  if (cmd.name === 'curl') {
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === '--output' || v === '-o') return args[i + 1] && { word: args[i + 1], file: args[i + 1].value, relative: false };
      if (v === '--remote-name' || (/^-[A-Za-z]+$/.test(v) && v.endsWith('O'))) return url && urlName ? { word: url, file: urlName, relative: true } : undefined;
      if (/^-[A-Za-z]*o$/.test(v) && v.length > 2) return args[i + 1] && { word: args[i + 1], file: args[i + 1].value, relative: false };
    }
    return undefined;
  }
  if (cmd.name === 'wget') {
    let dir: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === '-O' || v === '--output-document') return args[i + 1]?.value === '-' || !args[i + 1] ? undefined : { word: args[i + 1], file: args[i + 1].value, relative: false };
      if (v.startsWith('--output-document=')) return v.endsWith('=-') ? undefined : { word: args[i], file: v.slice(18), relative: false };
      if (/^-[A-Za-z]*O$/.test(v) && v.length > 2) return args[i + 1]?.value === '-' || !args[i + 1] ? undefined : { word: args[i + 1], file: args[i + 1].value, relative: false };
      if (v === '-P' || v === '--directory-prefix') dir = args[i + 1]?.value;
    }
    if (!url || !urlName) return undefined;
    return { word: url, file: dir ? posix.join(dir, urlName) : urlName, relative: true };
  }
  return undefined;
}

/** What a COPY or ADD adds. */
function copyAdditions(ctx: DockerfileContext, inst: Instruction, cwd: string | undefined): Added[] {
  const args = copyArgs(inst);
  if (!args) return [];
  const dest = ctx.resolve(args.dest.value, inst);
  const destAbs = dest.complete ? absolute(dest.value, cwd) : undefined;
  if (!destAbs) return [];
  const k = inst.getKeyword();
  const destIsDir = dest.value.endsWith('/') || args.sources.length > 1;
  const how = `${k} on line ${inst.getRange().start.line + 1}`;
  const out: Added[] = [];
  for (const src of args.sources) {
    const s = ctx.resolve(src.value, inst).value;
    let path = destAbs;
    let dir = true;
    if (k === 'ADD' && /^(?:https?|ftp):\/\//.test(s)) {
      dir = false;
      if (destIsDir) path = normalizePath(posix.join(destAbs, posix.basename(s.replace(/[?#].*$/, ''))));
    } else if (!(s === '.' || s.endsWith('/') || /[*?[]/.test(s) || (k === 'ADD' && LOCAL_ARCHIVE.test(s)))) {
      // A single source: with a file extension it is most likely a file; otherwise its contents land in dest.
      const looksFile = /\.[A-Za-z0-9]+$/.test(posix.basename(s));
      dir = !looksFile;
      if (looksFile && destIsDir) path = normalizePath(posix.join(destAbs, posix.basename(s)));
    }
    // `COPY --from=build /target/ /`: everything under / would match; too vague to attribute.
    if (path === '/') continue;
    out.push({ path, dir, how, range: args.dest.range, runsSince: 0 });
  }
  return out;
}

/** True when removing `target` deletes something `a` added. */
function covers(target: string, a: Added): boolean {
  if (!a.path || a.gone) return false;
  if (isSameOrInside(a.path, target)) return true;
  // Deleting inside a copied directory: only certain when nothing ran since that could have written there.
  return a.dir && a.runsSince === 0 && isSameOrInside(target, a.path);
}

/** Walk one RUN: report what it deletes that earlier layers added, then return what it adds. */
function visitRun(ctx: DockerfileContext, run: RunInfo, cwd: string | undefined, added: Added[]): Added[] {
  const cmds = runCommands(run);
  const line = run.instruction.getRange().start.line + 1;
  const report = (range: Range, what: string, hits: Added[], advice: string, target?: string) => {
    // Deleting part of a copied directory leaves the rest to be found by later deletions.
    for (const h of hits) if (target === undefined || !h.path || isSameOrInside(h.path, target)) h.gone = true;
    const related: Related[] = hits.slice(0, 3).map((h) => ({ message: `Added here (${h.how}).`, range: h.range }));
    ctx.report({ range, message: `${what} ${hits.length > 1 ? 'were' : 'was'} added by an earlier layer (${hits[0].how}); deleting ${hits.length > 1 ? 'them' : 'it'} here only hides ${hits.length > 1 ? 'them' : 'it'}, the bytes stay in that layer and still ship to the device. ${advice}`, related });
  };

  let here = cwd;
  const removedHere: Array<{ start: number; path?: string; base: string }> = [];
  for (const c of cmds) {
    if (c.name === 'cd') {
      const a = positionals(c)[0];
      here = a ? wordPath(ctx, run.instruction, a, here) : undefined;
      continue;
    }
    for (const w of rmTargets(c)) {
      const p = wordPath(ctx, run.instruction, w, here);
      removedHere.push({ start: c.start, path: p, base: posix.basename(w.value) });
      if (!p) continue;
      const hits = added.filter((a) => covers(p, a));
      if (hits.length) report(w.range, `\`${w.value}\``, hits, hits[0].how.startsWith('RUN') ? 'Delete it in the same RUN that creates it.' : 'Keep it out of the build context (.dockerignore) or copy less.', p);
    }
    const m = PACKAGE_MANAGERS[c.name];
    const sub = subcommand(c) ?? '';
    if (m?.family === 'apt' && /^dist-?clean$/.test(sub)) {
      const hits = added.filter((a) => covers(LISTS, a));
      if (hits.length) report(commandHead(c), 'The package lists', hits, 'Remove them in the same RUN as apt-get update.');
    }
    const pipSub = pipSubcommand(c);
    const removes = m?.remove.includes(sub) ? { family: m.family as Family | 'pip', words: packagesOf(ctx, run, c, sub) } : pipSub === 'uninstall' ? { family: 'pip' as const, words: pipPackages(c, 'uninstall') } : undefined;
    for (const p of removes?.words ?? []) {
      const hits = added.filter((a) => !a.gone && a.pkg && a.pkg.family === removes!.family && a.pkg.name === normalizePkg(p.name, removes!.family));
      if (hits.length) report(p.range, `Package ${p.name}`, hits, 'Remove it in the same RUN that installs it, or install it in a builder stage.');
    }
  }

  // What this RUN leaves behind for later layers.
  const out: Added[] = [];
  const how = `RUN on line ${line}`;
  const deletedLater = (start: number, path: string) =>
    removedHere.some((r) => r.start > start && (r.path ? isSameOrInside(path, r.path) : r.base === posix.basename(path)));
  here = cwd;
  for (const c of cmds) {
    if (c.name === 'cd') {
      const a = positionals(c)[0];
      here = a ? wordPath(ctx, run.instruction, a, here) : undefined;
      continue;
    }
    const dl = downloadTarget(c);
    if (dl) {
      const word = { ...dl.word, value: dl.file };
      const p = dl.relative && !dl.file.startsWith('/') ? (here && dl.word.literal ? absolute(dl.file, here) : undefined) : wordPath(ctx, run.instruction, word, here);
      if (p && !deletedLater(c.start, p)) out.push({ path: p, dir: false, how, range: dl.word.range, runsSince: 0 });
    }
    if (c.name === 'git' && subcommand(c) === 'clone') {
      const pos = positionals(c);
      const url = pos[1];
      const dirWord = pos[2];
      const name = dirWord ? dirWord.value : posix.basename(url?.value ?? '').replace(/\.git$/, '');
      const p = name && (dirWord ? wordPath(ctx, run.instruction, dirWord, here) : here && url?.literal ? absolute(name, here) : undefined);
      if (p && !deletedLater(c.start, p)) out.push({ path: p, dir: true, how, range: (dirWord ?? url ?? c.args[0]).range, runsSince: 0 });
    }
    const m = PACKAGE_MANAGERS[c.name];
    const sub = subcommand(c) ?? '';
    if (m?.install.includes(sub)) {
      for (const p of packagesOf(ctx, run, c, sub)) {
        if (!removedInRun(ctx, run, c, p.name)) out.push({ pkg: { family: m.family, name: normalizePkg(p.name, m.family) }, dir: false, how, range: p.range, runsSince: 0 });
      }
      const virtual = c.args.findIndex((a) => a.value === '--virtual' || a.value === '-t');
      const group = m.family === 'apk' && virtual > 0 ? c.args[virtual + 1] : undefined;
      if (group && !removedInRun(ctx, run, c, group.value)) out.push({ pkg: { family: 'apk', name: group.value }, dir: false, how, range: group.range, runsSince: 0 });
    }
    if (m?.family === 'apt' && sub === 'update') {
      const cleaned = removedHere.some((r) => r.start > c.start && r.path && isSameOrInside(LISTS, r.path))
        || cmds.some((x) => x.start > c.start && PACKAGE_MANAGERS[x.name]?.family === 'apt' && /^dist-?clean$/.test(subcommand(x) ?? ''));
      if (!cleaned) out.push({ path: LISTS, dir: true, how: `apt-get update in the RUN on line ${line}`, range: commandHead(c), runsSince: 0 });
    }
    if (pipSubcommand(c) === 'install') {
      const later = cmds.some((x) => x.start > c.start && pipSubcommand(x) === 'uninstall');
      if (!later) for (const p of pipPackages(c, 'install')) out.push({ pkg: { family: 'pip', name: normalizePkg(p.name, 'pip') }, dir: false, how, range: p.range, runsSince: 0 });
    }
  }
  return out;
}

/** `pip install`, `pip3 uninstall`, `python -m pip install`: the pip subcommand, or undefined. */
function pipSubcommand(c: ShellCommand): string | undefined {
  if (/^pip(\d+(\.\d+)*)?$/.test(c.name)) return subcommand(c);
  if (/^python(\d+(\.\d+)*)?$/.test(c.name)) {
    const m = c.args.findIndex((a) => a.value === '-m');
    if (m > 0 && c.args[m + 1]?.value === 'pip') return c.args.slice(m + 2).find((a) => !a.value.startsWith('-'))?.value;
  }
  return undefined;
}

/** Package names given to pip (not requirement files, paths or URLs). */
function pipPackages(c: ShellCommand, sub: string): Array<{ name: string; range: Range }> {
  const valued = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-t', '--target', '--prefix', '--root', '-f', '--find-links']);
  const out: Array<{ name: string; range: Range }> = [];
  let seen = false;
  const start = c.args.findIndex((a) => a.value === 'pip');
  for (let i = start >= 0 && c.name.startsWith('python') ? start + 1 : 1; i < c.args.length; i++) {
    const w = c.args[i];
    if (w.value.startsWith('-')) {
      if (valued.has(w.value)) i++;
      continue;
    }
    if (!seen && w.value === sub) {
      seen = true;
      continue;
    }
    if (w.literal && /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?(?:[=<>!~].*)?$/.test(w.value)) out.push({ name: w.value, range: w.range });
  }
  return out;
}

/** Package names as the manager compares them (pip ignores case, `_` vs `-`, extras and versions). */
function normalizePkg(name: string, family: Family | 'pip'): string {
  if (family !== 'pip') return name;
  return name.replace(/\[.*$|[=<>!~].*$/, '').toLowerCase().replace(/[._]/g, '-');
}

export default defineRule<DockerfileContext>({
  id: 'removed-in-later-layer',
  meta: {
    category: 'size',
    severity: 'warning',
    fixable: false,
    docs: 'Deleting in a later RUN what an earlier layer added saves nothing: the bytes stay in the earlier layer and every device still downloads them.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return;
    let added: Added[] = [];
    let cwd: string | undefined;
    for (const stage of ctx.lineage(final)) {
      if (!stage.parent) cwd = undefined;
      for (const inst of stage.instructions) {
        const k = inst.getKeyword();
        if (k === 'WORKDIR') {
          const r = ctx.resolve(inst.getArgumentsRange() ? ctx.textOf(inst.getArgumentsRange()!) : '', inst);
          cwd = r.complete && r.value ? absolute(r.value.replace(/^["']|["']$/g, ''), cwd) : undefined;
        } else if (k === 'COPY' || k === 'ADD') {
          added.push(...copyAdditions(ctx, inst, cwd));
        } else if (k === 'RUN') {
          const run = stage.runs.find((r) => r.instruction === inst);
          if (!run || run.exec) continue;
          const fresh = visitRun(ctx, run, cwd, added);
          added = added.filter((a) => !a.gone);
          for (const a of added) a.runsSince++;
          added.push(...fresh);
        }
      }
    }
  },
});
