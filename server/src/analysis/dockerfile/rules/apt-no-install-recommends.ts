import { defineRule } from '../../engine/types';
import type { DockerfileContext, RunInfo } from '../context';
import { hasFlag, type ShellCommand } from '../shell';
import { insertAfterWord, packageCommands } from '../helpers';
import { commandHead, optional, runCommands, shippedRuns } from '../size-helpers';

/** `-o APT::Install-Recommends=false`, or the same written to an apt.conf file by an earlier command. */
const CONFIG_OFF = /APT::Install-Recommends\s*(?:=\s*|\s+["']?)(?:false|0|no)\b/i;
/** A word that is nothing but a variable (`$APT_OPTS`): it may carry the flag, so it cannot be judged. */
const WHOLE_VARIABLE = /^["']?\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)["']?$/;

export default defineRule<DockerfileContext>({
  id: 'apt-no-install-recommends',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3015',
    fixable: true,
    docs: 'Recommended packages often double what apt installs; on a small device every MB is flash and download time.',
  },
  check(ctx) {
    const shipped = shippedRuns(ctx);
    for (const { run, cmd } of packageCommands(ctx, ['apt-get', 'apt'], ['install'], shipped)) {
      if (hasFlag(cmd, '--no-install-recommends') || cmd.args.some((a) => /^--install-recommends=(?:false|no|0)$/i.test(a.value) || CONFIG_OFF.test(a.value))) continue;
      // A simulation (`apt-get install -s pkg` to probe availability) installs nothing.
      if (hasFlag(cmd, '-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act')) continue;
      if (cmd.args.some((a) => !a.literal && WHOLE_VARIABLE.test(a.raw) && !resolvedWithoutFlag(ctx, run, a.raw))) continue;
      if (configuredEarlier(ctx, run, cmd)) continue;
      const at = cmd.args.findIndex((a) => a.value === 'install');
      ctx.report({
        range: run.exec ? cmd.range : commandHead(cmd, 'install'),
        message: `${cmd.name} install without --no-install-recommends also installs recommended packages, often doubling what lands on the device.`,
        fixes: optional(run.exec ? undefined : { title: 'Add --no-install-recommends', edits: [insertAfterWord(cmd, at, '--no-install-recommends')] }),
      });
    }
  },
});

/** True when a variable word resolves (through ARG/ENV) to text without the flag. */
function resolvedWithoutFlag(ctx: DockerfileContext, run: RunInfo, raw: string): boolean {
  const r = ctx.resolve(raw, run.instruction);
  return r.complete && !/--no-install-recommends|Install-Recommends/i.test(r.value);
}

/** True when an earlier command in the image (or this RUN) turned recommends off in apt's configuration. */
function configuredEarlier(ctx: DockerfileContext, run: RunInfo, cmd: ShellCommand): boolean {
  for (const r of ctx.lineage(run.stage).flatMap((s) => s.runs)) {
    for (const c of runCommands(r)) {
      if (r === run && c.start >= cmd.start) break;
      if (c.args.some((a) => CONFIG_OFF.test(a.value))) return true;
    }
    if (r === run) break;
  }
  return false;
}
