// Small helpers rules share: finding commands in RUNs, ranges of instructions, edits.

import type { Instruction } from 'dockerfile-ast';
import type { Position, Range, TextEdit } from '../engine/types';
import type { DockerfileContext, RunInfo, Stage } from './context';
import { unwrap, subcommand, type ShellCommand } from './shell';

/** A command in a RUN, unwrapped from sudo/env/etc., with the RUN it is in. */
export interface FoundCommand {
  run: RunInfo;
  cmd: ShellCommand;
}

/** Every command named one of `names` in the given RUNs (all RUNs by default). */
export function commandsNamed(ctx: DockerfileContext, names: string[], runs: RunInfo[] = ctx.runs): FoundCommand[] {
  const set = new Set(names);
  const out: FoundCommand[] = [];
  for (const run of runs) {
    for (const c of run.shell.commands) {
      const cmd = unwrap(c);
      if (set.has(cmd.name)) out.push({ run, cmd });
    }
    if (run.exec?.length) {
      const n = run.exec[0].slice(run.exec[0].lastIndexOf('/') + 1);
      if (set.has(n)) out.push({ run, cmd: execAsCommand(run) });
    }
  }
  return out;
}

/** An exec-form RUN seen as a command (words positioned on the instruction's arguments). */
function execAsCommand(run: RunInfo): ShellCommand {
  const r = run.instruction.getArgumentsRange() ?? run.instruction.getRange();
  const args = (run.exec ?? []).map((value) => ({ value, raw: JSON.stringify(value), range: r, start: 0, end: 0, literal: true }));
  const first = args[0]?.value ?? '';
  return { name: first.slice(first.lastIndexOf('/') + 1), args, assigns: [], range: r, start: 0, end: 0 };
}

/** `apt-get install`, `apt install`, ...: commands of a package manager with one of the subcommands. */
export function packageCommands(ctx: DockerfileContext, names: string[], subs: string[], runs?: RunInfo[]): FoundCommand[] {
  return commandsNamed(ctx, names, runs).filter((f) => subs.includes(subcommand(f.cmd) ?? ''));
}

/** The range of an instruction's keyword. */
export function keywordRange(inst: Instruction): Range {
  return inst.getInstructionRange();
}

/** The whole range of an instruction. */
export function instructionRange(inst: Instruction): Range {
  return inst.getRange();
}

/** An edit inserting text at a position. */
export function insertAt(pos: Position, text: string): TextEdit {
  return { range: { start: pos, end: pos }, newText: text };
}

/** An edit inserting text right after a command's name word (e.g. a flag after `install`). */
export function insertAfterWord(cmd: ShellCommand, wordIndex: number, text: string): TextEdit {
  const w = cmd.args[Math.min(wordIndex, cmd.args.length - 1)];
  return insertAt(w.range.end, ' ' + text);
}

/** The RUNs of a stage and every stage it builds on (what ends up in its layers). */
export function lineageRuns(ctx: DockerfileContext, stage: Stage): RunInfo[] {
  return ctx.lineage(stage).flatMap((s) => s.runs);
}

/** Instructions of the stage and its ancestors, in order. */
export function lineageInstructions(ctx: DockerfileContext, stage: Stage): Instruction[] {
  return ctx.lineage(stage).flatMap((s) => s.instructions);
}

/** Stages whose output reaches the final image: the final stage and its ancestors. */
export function finalLineage(ctx: DockerfileContext): Stage[] {
  return ctx.finalStage ? ctx.lineage(ctx.finalStage) : [];
}

/** The text to append at the end of a RUN so it runs as part of the same layer. */
export function appendToRun(ctx: DockerfileContext, run: RunInfo, shellText: string): TextEdit {
  return insertAt(run.instruction.getRange().end, ` \\\n    && ${shellText}`);
}
