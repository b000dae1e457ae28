import { minimatch } from 'minimatch';
import { defineRule } from '../../engine/types';
import type { Range } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { hasFlag, subcommand, type ShellCommand } from '../shell';
import { buildImage, copyArgs, runCommands, shippedRuns, shippedStages } from '../size-helpers';

type Family = 'apt' | 'apk' | 'rpm' | 'zypper';

/** Package managers, the subcommands that install and remove, and options whose value is the next word. */
const MANAGERS: Record<string, { family: Family; install: string[]; remove: string[]; valued: string[] }> = {
  'apt-get': { family: 'apt', install: ['install'], remove: ['purge', 'remove', 'autoremove'], valued: ['-o', '-c', '-t', '--option', '--config-file', '--target-release'] },
  apt: { family: 'apt', install: ['install'], remove: ['purge', 'remove', 'autoremove'], valued: ['-o', '-c', '-t', '--option', '--config-file', '--target-release'] },
  apk: { family: 'apk', install: ['add'], remove: ['del'], valued: ['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file'] },
  dnf: { family: 'rpm', install: ['install'], remove: ['remove', 'erase', 'autoremove'], valued: ['--setopt', '--enablerepo', '--disablerepo', '--repo', '--installroot', '--releasever', '-c', '--config'] },
  microdnf: { family: 'rpm', install: ['install'], remove: ['remove'], valued: ['--setopt', '--enablerepo', '--disablerepo'] },
  yum: { family: 'rpm', install: ['install'], remove: ['remove', 'erase', 'autoremove'], valued: ['--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '-c'] },
  zypper: { family: 'zypper', install: ['install', 'in'], remove: ['remove', 'rm'], valued: ['-r', '--repo', '--from', '-t', '--type'] },
};

/** Compilers and whole toolchains (with an optional version suffix such as gcc-12, clang19, openjdk17). */
const COMPILER = /^(?:gcc|g\+\+|gcc-c\+\+|clang|gfortran|build-essential|build-base|rustc|cargo|rust|golang|golang-go|go|default-jdk|default-jdk-headless|openjdk-?\d+(?:-jdk(?:-headless)?)?|java-[\d.]+-openjdk-devel|llvm)(?:-?\d+(?:\.\d+)*)?$/;
/** Headers and static libraries for building against a library. */
const DEV = /-(?:dev|devel|headers)$/;
/** Build helpers: only a toolchain together with a compiler or headers. */
const HELPER = /^(?:make|cmake|autoconf|automake|libtool|pkg-config|pkgconf|ninja-build|ninja|meson|bison|flex|dpkg-dev)$/;

/** One package word of an install. */
interface Pkg {
  name: string;
  range: Range;
}

/** The package names an install command names, with ARG/ENV expansions resolved where possible. */
function packagesOf(ctx: DockerfileContext, run: RunInfo, cmd: ShellCommand, skipFirst: string): Pkg[] {
  const m = MANAGERS[cmd.name];
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

/** True when the install's packages are removed again later in the same RUN. */
function removedInRun(ctx: DockerfileContext, run: RunInfo, install: ShellCommand, pkg: string): boolean {
  const fam = MANAGERS[install.name].family;
  const later = runCommands(run).filter((c) => c.start > install.start);
  // apk: `apk add --virtual .build-deps ...` then `apk del .build-deps`.
  const virtual = install.args.findIndex((a) => a.value === '--virtual' || a.value === '-t');
  const group = virtual > 0 ? install.args[virtual + 1]?.value : undefined;
  // apt: `apt-mark auto` (everything, or the saved-manual dance) then `apt-get purge --auto-remove`.
  const marked = later.some((c) => c.name === 'apt-mark' && subcommand(c) === 'auto');
  for (const c of later) {
    const m = MANAGERS[c.name];
    if (!m || m.family !== fam || !m.remove.includes(subcommand(c) ?? '')) continue;
    const names = packagesOf(ctx, run, c, subcommand(c)!).map((p) => p.name);
    if (names.some((n) => n === pkg || n === group || (/[*?[]/.test(n) && minimatch(pkg, n)))) return true;
    if (fam === 'apt' && marked && (subcommand(c) === 'autoremove' || hasFlag(c, '--auto-remove', '--autoremove'))) return true;
  }
  return false;
}

/** A final image that runs nothing of its own and copies nothing from the context: a toolchain image. */
function isToolImage(ctx: DockerfileContext): boolean {
  for (const s of shippedStages(ctx)) {
    for (const i of s.instructions) {
      const k = i.getKeyword();
      if (k === 'CMD' || k === 'ENTRYPOINT') return false;
      if ((k === 'COPY' || k === 'ADD') && ctx.flag(i, 'from') === undefined && copyArgs(i)) return false;
    }
  }
  return true;
}

const ADVICE: Record<Family, string> = {
  apt: 'apt-get purge -y --auto-remove <packages>',
  apk: 'apk add --virtual .build-deps … && apk del .build-deps',
  rpm: 'dnf remove -y <packages>',
  zypper: 'zypper rm -y <packages>',
};

export default defineRule<DockerfileContext>({
  id: 'toolchain-in-final-stage',
  meta: {
    category: 'size',
    severity: 'warning',
    fixable: false,
    docs: 'Compilers and -dev packages left in the final image add 100-300 MB the app never runs; build in a builder stage or remove them in the same RUN.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return;
    // On a base that is itself a toolchain (golang, full python, buildpack-deps) more headers add little;
    // sdk-final-stage speaks about the base.
    if (buildImage(ctx.lineage(final)[0].ref)) return;
    if (isToolImage(ctx)) return;
    const found: Array<{ run: RunInfo; cmd: ShellCommand; pkgs: Pkg[]; helpers: Pkg[] }> = [];
    let anyCompiler = false;
    for (const run of shippedRuns(ctx)) {
      for (const cmd of runCommands(run)) {
        const m = MANAGERS[cmd.name];
        const sub = subcommand(cmd);
        if (!m || !m.install.includes(sub ?? '')) continue;
        // `apt-get install -s` simulates; zypper's `-t pattern` names patterns, not packages.
        if (m.family === 'apt' && hasFlag(cmd, '-s', '--simulate', '--dry-run', '--just-print')) continue;
        const kept = packagesOf(ctx, run, cmd, sub!).filter((p) => !removedInRun(ctx, run, cmd, p.name));
        const pkgs = kept.filter((p) => COMPILER.test(p.name) || DEV.test(p.name));
        const helpers = kept.filter((p) => HELPER.test(p.name));
        if (pkgs.length) anyCompiler = true;
        if (pkgs.length || helpers.length) found.push({ run, cmd, pkgs, helpers });
      }
    }
    if (!anyCompiler) return;
    for (const f of found) {
      const all = [...f.pkgs, ...f.helpers].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      const names = [...new Set(all.map((p) => p.name))];
      const list = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
      ctx.report({
        range: all[0].range,
        message: `${list} ${names.length > 1 ? 'stay' : 'stays'} in the final image: build tools the app does not run, often 100-300 MB on the device; build in a builder stage and copy the result, or remove them in the same RUN (${ADVICE[MANAGERS[f.cmd.name].family]}).`,
      });
    }
  },
});
