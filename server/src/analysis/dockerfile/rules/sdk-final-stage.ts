import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { positionals, subcommand, type ShellCommand } from '../shell';
import { buildImage, commandHead, runCommands, shippedRuns } from '../size-helpers';

/** Commands that build an artefact, by tool: the subcommands (or npm-style scripts) that do it. */
const BUILDS: Record<string, (cmd: ShellCommand) => boolean> = {
  go: (c) => ['build', 'install'].includes(subcommand(c) ?? ''),
  cargo: (c) => ['build', 'install'].includes(subcommand(c) ?? ''),
  mvn: (c) => positionals(c).some((p) => ['package', 'install', 'verify'].includes(p.value)),
  mvnw: (c) => positionals(c).some((p) => ['package', 'install', 'verify'].includes(p.value)),
  gradle: (c) => positionals(c).some((p) => /^(?:build|assemble|jar|bootJar|shadowJar|installDist)$/.test(p.value)),
  gradlew: (c) => positionals(c).some((p) => /^(?:build|assemble|jar|bootJar|shadowJar|installDist)$/.test(p.value)),
  dotnet: (c) => ['publish', 'build'].includes(subcommand(c) ?? ''),
  javac: () => true,
  npm: (c) => ['run', 'run-script'].includes(subcommand(c) ?? '') && /^build/.test(positionals(c)[1]?.value ?? ''),
  yarn: (c) => /^build/.test(subcommand(c) ?? '') || (subcommand(c) === 'run' && /^build/.test(positionals(c)[1]?.value ?? '')),
  pnpm: (c) => /^build/.test(subcommand(c) ?? '') || (subcommand(c) === 'run' && /^build/.test(positionals(c)[1]?.value ?? '')),
};

export default defineRule<DockerfileContext>({
  id: 'sdk-final-stage',
  meta: {
    category: 'size',
    severity: 'info',
    fixable: false,
    docs: 'Shipping the SDK an app was built with puts hundreds of MB of compilers on the device; a multi-stage build ships only the result.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return;
    const base = ctx.lineage(final)[0];
    const image = buildImage(base.ref);
    if (!image) return;
    const build = shippedRuns(ctx)
      .flatMap((r) => runCommands(r))
      .find((c) => BUILDS[c.name]?.(c));
    if (!build) return;
    const tool = ctx.textOf(commandHead(build));
    ctx.report({
      range: base.from.getImageRange() ?? base.from.getRange(),
      message: `The final image is ${base.image}, ${image.what}, and the app is built in it (${tool}); build in a builder stage and copy the result into ${image.runtime}, so the device gets only what runs.`,
      related: [{ message: 'The artefact is built here.', range: commandHead(build) }],
    });
  },
});
