import { defineRule, type Fix } from '../../engine/types';
import type { DockerfileContext, Stage } from '../context';
import { subcommand, type ShellCommand } from '../shell';
import { commandsNamed } from '../helpers';
import { armTargets, consumersOf, imageRange, isWindowsStage, isX86Platform, onBuildPlatform, stagesReachingFinal } from '../edge-helpers';

type Toolchain = 'go' | 'rust' | 'c' | 'jvm' | 'dotnet';

/** How to cross-compile instead, per toolchain. */
const HOW: Record<Toolchain, string> = {
  go: 'use FROM --platform=$BUILDPLATFORM, ARG TARGETOS TARGETARCH, and GOOS=$TARGETOS GOARCH=$TARGETARCH go build',
  rust: 'use FROM --platform=$BUILDPLATFORM and cargo build --target for the device (e.g. aarch64-unknown-linux-gnu, with rustup target add and a cross linker, or cargo-zigbuild)',
  c: 'use FROM --platform=$BUILDPLATFORM with a cross toolchain for $TARGETARCH (gcc-aarch64-linux-gnu, or tonistiigi/xx helpers)',
  jvm: 'JVM bytecode runs on any CPU, so FROM --platform=$BUILDPLATFORM is all it takes',
  dotnet: 'use FROM --platform=$BUILDPLATFORM and dotnet publish -a $TARGETARCH',
};

export default defineRule<DockerfileContext>({
  id: 'emulated-compile',
  meta: {
    category: 'edge',
    severity: 'info',
    fixable: true,
    docs: 'Compiling for an ARM device on an x86 machine runs the compiler under QEMU, typically 5-20 times slower; builder stages can run natively and cross-compile.',
  },
  check(ctx) {
    const targets = armTargets(ctx);
    if (ctx.stages.length < 2 || !targets.length || !ctx.finalStage) return;
    const finalLineage = new Set(ctx.lineage(ctx.finalStage));
    const reported = new Set<Stage>();
    for (const stage of [...stagesReachingFinal(ctx)].sort((a, b) => a.index - b.index)) {
      // Only builder stages whose output is copied can move to the build platform; the image cannot.
      if (finalLineage.has(stage) || !consumersOf(ctx, stage).length) continue;
      if (onBuildPlatform(ctx, stage) || isWindowsStage(ctx, stage)) continue;
      if (ctx.lineage(stage).some((s) => s.platform !== undefined && isX86Platform(s.platform))) continue;
      const found = compiles(ctx, stage);
      if (!found) continue;
      const { cmd, tool } = found;
      // The flag belongs on the FROM the stage is built on, unless the image itself is built on that one too.
      const root = ctx.lineage(stage)[0];
      const at = finalLineage.has(root) ? stage : root;
      if (reported.has(at)) continue;
      reported.add(at);
      ctx.report({
        range: imageRange(at),
        message: `${at === stage ? 'This stage' : `Stage '${stage.name ?? stage.index}', built on this one,`} compiles (${cmd.args.slice(0, 2).map((w) => w.value).join(' ')}, line ${cmd.range.start.line + 1}) for ${targets.join(', ')} under QEMU emulation when built on an x86 machine, several times slower: ${HOW[tool]}.`,
        related: [{ message: 'the compile step', range: cmd.range }],
        fixes: [...stagesReachingFinal(ctx)].filter((s) => ctx.lineage(s)[0] === at).length > 1 ? undefined : jvmFix(at, tool),
      });
    }
  },
});

/** The first compile command of the stage (shell or exec form) and its toolchain; native toolchains win over the JVM. */
function compiles(ctx: DockerfileContext, stage: Stage): { cmd: ShellCommand; tool: Toolchain } | undefined {
  let jvm: ShellCommand | undefined;
  for (const { cmd } of commandsNamed(ctx, COMPILERS, stage.runs)) {
    const tool = toolchainOf(cmd);
    if (tool === 'jvm') jvm ??= cmd;
    else if (tool) return { cmd, tool };
  }
  return jvm ? { cmd: jvm, tool: 'jvm' } : undefined;
}

const COMPILERS = ['go', 'cargo', 'rustc', 'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'make', 'cmake', 'ninja', 'mvn', 'mvnw', 'gradle', 'gradlew', 'dotnet'];

/** The toolchain a command compiles with, if it compiles. */
function toolchainOf(cmd: ShellCommand): Toolchain | undefined {
  const sub = subcommand(cmd) ?? '';
  switch (cmd.name) {
    case 'go':
      return sub === 'build' || sub === 'install' ? 'go' : undefined;
    case 'cargo':
      return sub === 'build' || sub === 'install' ? 'rust' : undefined;
    case 'rustc':
      return 'rust';
    case 'gcc':
    case 'g++':
    case 'cc':
    case 'c++':
    case 'clang':
    case 'clang++':
    case 'make':
    case 'cmake':
    case 'ninja':
      return 'c';
    case 'mvn':
    case 'mvnw':
    case 'gradle':
    case 'gradlew':
      return 'jvm';
    case 'dotnet':
      return sub === 'publish' || sub === 'build' ? 'dotnet' : undefined;
    default:
      return undefined;
  }
}

/** For JVM builds the stage's output is portable: running it on the build platform is the whole fix. */
function jvmFix(stage: Stage, tool: Toolchain): Fix[] | undefined {
  if (tool !== 'jvm' || stage.parent || stage.from.getPlatformFlag()) return undefined;
  const at = stage.from.getImageRange()?.start;
  if (!at) return undefined;
  return [{ title: 'Run this stage on the build platform (--platform=$BUILDPLATFORM)', edits: [{ range: { start: at, end: at }, newText: '--platform=$BUILDPLATFORM ' }] }];
}

