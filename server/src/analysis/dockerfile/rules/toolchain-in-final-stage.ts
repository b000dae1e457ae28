import { defineRule } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { hasFlag, subcommand, type ShellCommand } from '../shell';
import { buildImage, copyArgs, PACKAGE_MANAGERS as MANAGERS, packagesOf, removedInRun, runCommands, shippedRuns, shippedStages, type Family, type Pkg } from '../size-helpers';

/** Compilers and whole toolchains (with an optional version suffix such as gcc-12, clang19, openjdk17). */
const COMPILER = /^(?:gcc|g\+\+|gcc-c\+\+|clang|gfortran|build-essential|build-base|rustc|cargo|rust|golang|golang-go|go|default-jdk|default-jdk-headless|openjdk-?\d+(?:-jdk(?:-headless)?)?|java-[\d.]+-openjdk-devel|llvm)(?:-?\d+(?:\.\d+)*)?$/;
/** Headers and static libraries for building against a library. */
const DEV = /-(?:dev|devel|headers)$/;
/** Build helpers: only a toolchain together with a compiler or headers. */
const HELPER = /^(?:make|cmake|autoconf|automake|libtool|pkg-config|pkgconf|ninja-build|ninja|meson|bison|flex|dpkg-dev)$/;

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
