import { defineRule } from '../../engine/types';
import type { DockerfileContext, RunInfo, Stage } from '../context';
import { unwrap, subcommand, type ShellCommand } from '../shell';
import { envAt, finalLibc, lineageRunsOf, stagesReachingFinal } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'go-cgo-static',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'A Go binary built with cgo needs the C library it was linked against; in a scratch or distroless image it fails on the device with "no such file or directory".',
  },
  check(ctx) {
    const libc = finalLibc(ctx);
    if (libc === 'other' || !ctx.finalStage) return;
    const finalLineage = new Set(ctx.lineage(ctx.finalStage));
    const finalName = ctx.lineage(ctx.finalStage)[0].image;
    for (const stage of stagesReachingFinal(ctx)) {
      if (finalLineage.has(stage)) continue;
      const musl = builtOnAlpine(ctx, stage);
      // A glibc final image runs binaries built on Debian; only musl ones (from Alpine) break there.
      if (libc === 'glibc' && !musl) continue;
      if (cgoOffByDefault(ctx, stage)) continue;
      for (const run of stage.runs) {
        for (const original of run.shell.commands) {
          const cmd = unwrap(original);
          if (cmd.name !== 'go' || !['build', 'install'].includes(subcommand(cmd) ?? '')) continue;
          if (cgoDisabled(ctx, run, original, cmd) || staticLink(cmd)) continue;
          const at = original.args[0].range.start;
          ctx.report({
            range: cmd.range,
            message:
              libc === 'none'
                ? `go ${subcommand(cmd)} without CGO_ENABLED=0 may link the C library dynamically, and the final image (${finalName}) has none: the binary then fails on the device with "no such file or directory".`
                : `go ${subcommand(cmd)} on Alpine without CGO_ENABLED=0 links musl dynamically, but the final image (${finalName}) has only glibc: the binary fails on the device with "no such file or directory".`,
            fixes: [{ title: 'Build a static binary with CGO_ENABLED=0', edits: [{ range: { start: at, end: at }, newText: 'CGO_ENABLED=0 ' }] }],
          });
        }
        if (run.exec?.[0] === 'go' && ['build', 'install'].includes(run.exec[1] ?? '') && !cgoDisabled(ctx, run)) {
          ctx.report({
            range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(),
            message: `go ${run.exec[1]} without CGO_ENABLED=0 may link the C library dynamically, and the final image (${finalName}) has none: set ENV CGO_ENABLED=0 in this stage.`,
          });
        }
      }
    }
  },
});

/** CGO_ENABLED=0 inline, exported earlier in the RUN, set by ENV/ARG default, or written with `go env -w`. */
function cgoDisabled(ctx: DockerfileContext, run: RunInfo, original?: ShellCommand, cmd?: ShellCommand): boolean {
  const off = (v: string | undefined) => v !== undefined && /^\s*0\s*$/.test(v);
  if (original?.assigns.some((a) => a.name === 'CGO_ENABLED' && off(a.value))) return true;
  // `env CGO_ENABLED=0 go build` and similar wrappers.
  if (original && cmd && original.args.slice(0, original.args.indexOf(cmd.args[0])).some((w) => w.value === 'CGO_ENABLED=0')) return true;
  if (run.shell.assigns.some((a) => a.name === 'CGO_ENABLED' && off(a.value) && (!original || a.range.start.line <= original.range.start.line))) return true;
  const env = envAt(ctx, 'CGO_ENABLED', run.instruction);
  // An ARG without a default is set by the build command; we cannot tell, so we stay quiet.
  if (env && !env.complete) return true;
  if (env) return off(env.value);
  return lineageRunsOf(ctx, run.stage).some((r) =>
    r.shell.commands.some((c) => {
      const u = unwrap(c);
      return u.name === 'go' && subcommand(u) === 'env' && u.args.some((w) => w.value === 'CGO_ENABLED=0');
    }),
  );
}

/** `-ldflags '-extldflags "-static"'` or the netgo/osusergo tags: the author already asked for a static binary. */
function staticLink(cmd: ShellCommand): boolean {
  return cmd.args.some((w) => /-static\b/.test(w.value) || /\bnetgo\b/.test(w.value));
}

/** True when the stage's lineage starts from an Alpine (musl) image. */
function builtOnAlpine(ctx: DockerfileContext, stage: Stage): boolean {
  const root = ctx.lineage(stage)[0];
  return /alpine/i.test(root.ref?.tag ?? '') || /alpine/i.test(root.ref?.name ?? '');
}

/**
 * Go 1.20 and later turn cgo off when no C compiler is installed, as in the golang:*-alpine images;
 * installing gcc/build-base/clang (or an older Go) turns it back on.
 */
function cgoOffByDefault(ctx: DockerfileContext, stage: Stage): boolean {
  if (!builtOnAlpine(ctx, stage)) return false;
  const root = ctx.lineage(stage)[0];
  const ver = /^(\d+)\.(\d+)/.exec(root.ref?.tag ?? '');
  if (root.ref?.name === 'golang' && ver && (Number(ver[1]) < 1 || (Number(ver[1]) === 1 && Number(ver[2]) < 20))) return false;
  const compilers = /^(gcc|g\+\+|clang|build-base|musl-dev|alpine-sdk)$/;
  return !lineageRunsOf(ctx, stage).some((r) =>
    r.shell.commands.some((c) => {
      const u = unwrap(c);
      return u.name === 'apk' && subcommand(u) === 'add' && u.args.some((w) => compilers.test(w.value));
    }),
  );
}
