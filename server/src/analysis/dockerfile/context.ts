// The parsed view of a Dockerfile that every rule reads: stages with resolved base images,
// RUN scripts parsed as shell, and helpers to report findings. Built once per analysis.

import { DockerfileParser, type Dockerfile, type Instruction, type Arg, type Env } from 'dockerfile-ast';
import { LineIndex } from '../engine/text';
import type { LintSettings, Range, Report } from '../engine/types';
import { parseShell, type ShellScript } from './shell';
import { substitute, type Vars } from './variables';
import { lineageOf, splitStages, type StageCore } from './stages';

/** What the analysis may know about the files around the Dockerfile (absent in pure editor buffers). */
export interface FileFacts {
  /** Contents of the .dockerignore of the build context; null when there is none; undefined when unknown. */
  dockerignore?: string | null;
  /** Platforms base image tags are published for, by canonical reference (`docker.io/library/alpine:3.20`); a tag absent here is unknown. */
  imagePlatforms?: Readonly<Record<string, readonly string[]>>;
}

/** One build stage. */
export interface Stage extends StageCore<Stage> {
  runs: RunInfo[];
}

/** A RUN instruction with its script parsed. */
export interface RunInfo {
  instruction: Instruction;
  stage: Stage;
  /** Exec form (`RUN ["a","b"]`): the JSON strings; undefined for shell form. */
  exec?: string[];
  shell: ShellScript;
  /** Flags such as `--mount=type=cache,target=/var/cache/apt`. */
  flags: Map<string, string[]>;
  /** Offset of the first argument after the flags as dockerfile-ast reads it; undefined when there is none. */
  argumentsStart?: number;
}

/** Everything a Dockerfile rule can read, plus `report`. */
export interface DockerfileContext {
  text: string;
  lines: LineIndex;
  dockerfile: Dockerfile;
  /** Global ARGs declared before the first FROM. */
  globalArgs: Vars;
  stages: Stage[];
  runs: RunInfo[];
  settings: LintSettings;
  files: FileFacts;
  /** The stage that is the image (the last one). */
  finalStage?: Stage;
  /** The stage's ancestry through `FROM <stage>`, oldest first, the stage itself last. */
  lineage(stage: Stage): Stage[];
  /** The stage a `--from=` value names, by name or index, after ARG substitution. */
  stageByRef(ref: string): Stage | undefined;
  /** Substitute the variables known at an instruction (global ARGs, and ARG/ENV before it in its stage). */
  resolve(text: string, at: Instruction): { value: string; complete: boolean };
  /** The stage an instruction belongs to. */
  stageOf(inst: Instruction): Stage | undefined;
  /** Flag value of an instruction (`--from`, `--chown`, ...), lower-case name. */
  flag(inst: Instruction, name: string): string | undefined;
  /** The text of a range. */
  textOf(range: Range): string;
  report(r: Report): void;
}

/** Build the context; `report` is supplied by the runner. Never throws on any text. */
export function buildContext(text: string, settings: LintSettings, files: FileFacts, report: (r: Report) => void): DockerfileContext {
  const lines = new LineIndex(text);
  const dockerfile = DockerfileParser.parse(text);
  const { globalArgs, stages, byName, owner: stageOfInst } = splitStages<Stage>(dockerfile, (core) => ({ ...core, runs: [] }));

  const flag = (inst: Instruction, name: string): string | undefined => {
    const flags = (inst as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> }).getFlags?.() ?? [];
    const f = flags.find((x) => x.getName().toLowerCase() === name);
    return f ? (f.getValue() ?? '') : undefined;
  };

  const resolve = (t: string, at: Instruction) => {
    const vars: Vars = new Map(globalArgs);
    const s = stageOfInst.get(at);
    if (s) {
      for (const i of s.instructions) {
        if (i === at) break;
        const k = i.getKeyword();
        if (k === 'ARG') {
          const p = (i as Arg).getProperty();
          if (p?.getName()) vars.set(p.getName(), p.getValue() ?? globalArgs.get(p.getName()));
        } else if (k === 'ENV') {
          for (const p of (i as Env).getProperties()) vars.set(p.getName(), p.getValue() ?? '');
        }
      }
    }
    return substitute(t, vars);
  };

  const runs: RunInfo[] = [];
  for (const s of stages) {
    for (const inst of s.instructions) {
      if (inst.getKeyword() !== 'RUN') continue;
      const info = parseRun(inst, s, lines);
      s.runs.push(info);
      runs.push(info);
    }
  }

  return {
    text,
    lines,
    dockerfile,
    globalArgs,
    stages,
    runs,
    settings,
    files,
    finalStage: stages[stages.length - 1],
    lineage: (stage) => lineageOf(stage, stages.length),
    stageByRef(ref) {
      const v = substitute(ref, globalArgs).value.toLowerCase();
      if (/^\d+$/.test(v)) return stages[Number(v)];
      return byName.get(v);
    },
    resolve,
    stageOf: (inst) => stageOfInst.get(inst),
    flag,
    textOf: (r) => text.slice(lines.offsetAt(r.start), lines.offsetAt(r.end)),
    report,
  };
}

/** Split a RUN into flags and script, and parse the script (or the exec-form array). */
function parseRun(inst: Instruction, stage: Stage, lines: LineIndex): RunInfo {
  const flags = new Map<string, string[]>();
  const getFlags = (inst as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null; getRange(): Range }> }).getFlags;
  const argsRange = inst.getArgumentsRange();
  const argumentsStart = argsRange ? lines.offsetAt(argsRange.start) : undefined;
  let scriptStart = argumentsStart ?? lines.offsetAt(inst.getRange().end);
  for (const f of getFlags?.call(inst) ?? []) {
    const name = f.getName().toLowerCase();
    flags.set(name, [...(flags.get(name) ?? []), f.getValue() ?? '']);
    scriptStart = Math.max(scriptStart, lines.offsetAt(f.getRange().end));
  }
  const end = lines.offsetAt(inst.getRange().end);
  let script = lines.text.slice(scriptStart, end);
  const lead = script.length - script.trimStart().length;
  scriptStart += lead;
  script = script.slice(lead);

  if (script.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(script.replace(/\\\r?\n/g, ''));
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) {
        return { instruction: inst, stage, exec: arr, shell: { commands: [], pipes: [], assigns: [] }, flags, argumentsStart };
      }
    } catch {
      /* not JSON: the builder runs it as shell form */
    }
  }
  // A heredoc RUN with no command (`RUN <<EOF`) runs its body as the script.
  const hd = /^<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2[ \t]*\r?\n/.exec(script);
  if (hd) {
    const bodyStart = hd[0].length;
    const term = new RegExp(`^\\t*${hd[3]}[ \\t]*$`, 'm');
    const rest = script.slice(bodyStart);
    const m = term.exec(rest);
    const body = m ? rest.slice(0, m.index) : rest;
    return withShell({ instruction: inst, stage, flags, argumentsStart }, () => parseShell(body, scriptStart + bodyStart, lines));
  }
  // Docker drops comment lines inside a continued instruction before the shell sees it; blank them
  // out (keeping offsets) so the shell parser reads what the shell will run.
  return withShell({ instruction: inst, stage, flags, argumentsStart }, () => parseShell(blankContinuedComments(script), scriptStart, lines));
}

/**
 * A RUN whose script is parsed when a rule first reads `shell`: rules that never look at RUN
 * scripts then run without the shell parser loaded (see withoutLoadingShellParser).
 */
function withShell(info: Omit<RunInfo, 'shell'>, parse: () => ShellScript): RunInfo {
  let shell: ShellScript | undefined;
  return Object.defineProperty(info, 'shell', { get: () => (shell ??= parse()), enumerable: true }) as RunInfo;
}

/** Replace comment lines inside a continued instruction (and their line breaks) with spaces. */
export function blankContinuedComments(script: string): string {
  const parts = script.split(/(?<=\n)/);
  let continued = false;
  for (let i = 0; i < parts.length; i++) {
    const line = parts[i];
    if (continued && /^[ \t]*#/.test(line)) {
      parts[i] = ' '.repeat(line.length);
      continue;
    }
    continued = /\\\r?\n$/.test(line);
  }
  return parts.join('');
}
