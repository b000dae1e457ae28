import { defineRule, type Fix, type TextEdit } from '../../engine/types';
import type { DockerfileContext, RunInfo, Stage } from '../context';
import { unwrap, subcommand, hasFlag, type ShellCommand } from '../shell';
import { armTargets, consumersOf, envAt, isWindowsStage, onBuildPlatform, stagesReachingFinal } from '../edge-helpers';

export default defineRule<DockerfileContext>({
  id: 'cross-build-host-arch',
  meta: {
    category: 'edge',
    severity: 'warning',
    fixable: true,
    docs: 'A stage on --platform=$BUILDPLATFORM that compiles without naming the target builds for the build machine: an x86 binary lands in the ARM image and fails with "exec format error".',
  },
  check(ctx) {
    const targets = armTargets(ctx);
    if (!targets.length || !ctx.finalStage) return;
    const finalLineage = new Set(ctx.lineage(ctx.finalStage));
    for (const stage of stagesReachingFinal(ctx)) {
      if (finalLineage.has(stage) || !consumersOf(ctx, stage).length) continue;
      if (!onBuildPlatform(ctx, stage) || isWindowsStage(ctx, stage)) continue;
      for (const run of stage.runs) {
        for (const original of run.shell.commands) {
          const cmd = unwrap(original);
          const sub = subcommand(cmd) ?? '';
          if (cmd.name === 'go' && (sub === 'build' || sub === 'install') && !goTargetSet(ctx, run, original)) {
            ctx.report({
              range: cmd.range,
              message: `go ${sub} runs on the build machine ($BUILDPLATFORM) and, without GOARCH, builds for it: the binary copied into the ${targets.join(', ')} image is the build machine's architecture and fails on the device.`,
              fixes: goFix(ctx, stage, run, original),
            });
          } else if (cmd.name === 'cargo' && (sub === 'build' || sub === 'install') && !hasFlag(cmd, '--target') && !envAt(ctx, 'CARGO_BUILD_TARGET', run.instruction)) {
            ctx.report({
              range: cmd.range,
              message: `cargo ${sub} runs on the build machine ($BUILDPLATFORM) and, without --target, builds for it: the binary copied into the ${targets.join(', ')} image fails on the device; pass --target for the device (e.g. aarch64-unknown-linux-gnu).`,
            });
          }
        }
        // Exec form cannot carry an inline assignment: only ENV/ARG can set the target.
        const [exe, sub] = run.exec ?? [];
        if (exe === 'go' && (sub === 'build' || sub === 'install') && !envAt(ctx, 'GOARCH', run.instruction)) {
          ctx.report({
            range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(),
            message: `go ${sub} runs on the build machine ($BUILDPLATFORM) and, without GOARCH, builds for it: set ARG TARGETARCH and ENV GOARCH=$TARGETARCH in this stage so the ${targets.join(', ')} image gets a binary the device can run.`,
          });
        }
      }
    }
  },
});

/** GOARCH given inline (also through `env`), exported earlier in the RUN, or set by ENV/ARG. */
function goTargetSet(ctx: DockerfileContext, run: RunInfo, original: ShellCommand): boolean {
  if (original.assigns.some((a) => a.name === 'GOARCH')) return true;
  if (original.args.some((w) => w.value.startsWith('GOARCH='))) return true;
  if (run.shell.assigns.some((a) => a.name === 'GOARCH')) return true;
  return envAt(ctx, 'GOARCH', run.instruction) !== undefined;
}

/** Prefix the command with the target's GOOS/GOARCH, declaring the platform ARGs in the stage if needed. */
function goFix(ctx: DockerfileContext, stage: Stage, run: RunInfo, original: ShellCommand): Fix[] | undefined {
  if (!original.args.length) return undefined;
  const declared = new Set<string>();
  for (const i of stage.instructions) {
    if (i === run.instruction) break;
    if (i.getKeyword() === 'ARG') for (const w of (i.getArgumentsContent() ?? '').split(/\s+/)) declared.add(w.split('=')[0]);
  }
  const missing = ['TARGETOS', 'TARGETARCH'].filter((n) => !declared.has(n));
  const edits: TextEdit[] = [];
  if (missing.length) {
    const line = stage.from.getRange().end.line + 1;
    edits.push({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `ARG ${missing.join(' ')}\n` });
  }
  const at = original.args[0].range.start;
  edits.push({ range: { start: at, end: at }, newText: 'GOOS=$TARGETOS GOARCH=$TARGETARCH ' });
  return [{ title: 'Build for the target platform (GOOS=$TARGETOS GOARCH=$TARGETARCH)', edits }];
}
