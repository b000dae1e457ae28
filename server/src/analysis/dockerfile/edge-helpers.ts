// Helpers of the edge and correctness rules: stage references after ARG substitution, which
// stages reach the image, platforms, exec-form arguments and shells that are not POSIX.

import type { Arg, Env, Flag, Instruction } from 'dockerfile-ast';
import type { Range, TextEdit } from '../engine/types';
import type { DockerfileContext, RunInfo, Stage } from './context';

/** A flag of an instruction as dockerfile-ast parsed it (with ranges); name is matched case-insensitively. */
export function flagsNamed(inst: Instruction, name: string): Flag[] {
  const get = (inst as unknown as { getFlags?: () => Flag[] }).getFlags;
  return (get?.call(inst) ?? []).filter((f) => f.getName().toLowerCase() === name);
}

/** A reference to another stage (or image): `COPY --from=x` or `RUN --mount=from=x`. */
export interface StageRef {
  inst: Instruction;
  /** The stage the instruction is in. */
  stage: Stage;
  kind: 'copy' | 'mount';
  /** The value as written. */
  raw: string;
  /** The value after ARG/ENV substitution. */
  value: string;
  /** True when every variable in the value was known. */
  complete: boolean;
  /** The range of the value as written. */
  range: Range;
  /** The stage it names, if it names one. */
  target?: Stage;
}

const refCache = new WeakMap<DockerfileContext, StageRef[]>();

/** Every `--from` stage reference in the file, resolved; computed once per context. */
export function stageRefs(ctx: DockerfileContext): StageRef[] {
  const cached = refCache.get(ctx);
  if (cached) return cached;
  const out: StageRef[] = [];
  const add = (inst: Instruction, stage: Stage, kind: StageRef['kind'], raw: string, range: Range) => {
    const { value, complete } = raw.includes('$') ? ctx.resolve(raw, inst) : { value: raw, complete: true };
    const target = complete ? stageNamed(ctx, value) : undefined;
    out.push({ inst, stage, kind, raw, value, complete, range, target });
  };
  for (const stage of ctx.stages) {
    for (const inst of stage.instructions) {
      const kw = inst.getKeyword();
      if (kw === 'COPY') {
        const f = flagsNamed(inst, 'from')[0];
        const r = f?.getValueRange();
        if (f && r && f.getValue()) add(inst, stage, 'copy', f.getValue()!, r);
      } else if (kw === 'RUN') {
        for (const f of flagsNamed(inst, 'mount')) {
          const v = f.getValue();
          const r = f.getValueRange();
          if (!v || !r) continue;
          // A mount is a CSV list of key=value; `from` names the stage or image to mount.
          let at = 0;
          for (const part of v.split(',')) {
            const eq = part.indexOf('=');
            if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === 'from') {
              const written = part.slice(eq + 1);
              const quote = /^["']/.test(written) ? 1 : 0;
              const val = written.replace(/^["']|["']$/g, '');
              const start = ctx.lines.offsetAt(r.start) + at + eq + 1 + quote;
              if (val) add(inst, stage, 'mount', val, ctx.lines.range(start, start + val.length));
            }
            at += part.length + 1;
          }
        }
      }
    }
  }
  refCache.set(ctx, out);
  return out;
}

/** The stage a resolved name or index names (names case-insensitively, as the builder does). */
export function stageNamed(ctx: DockerfileContext, value: string): Stage | undefined {
  const v = value.toLowerCase();
  if (/^\d+$/.test(v)) return ctx.stages[Number(v)];
  return ctx.stages.find((s) => s.name === v);
}

const depsCache = new WeakMap<DockerfileContext, Map<Stage, Stage[]>>();

/** Stages a stage needs: the stage it is built FROM and the stages it copies or mounts from. */
export function stageDeps(ctx: DockerfileContext, stage: Stage): Stage[] {
  let all = depsCache.get(ctx);
  if (!all) {
    const sets = new Map<Stage, Set<Stage>>(ctx.stages.map((s) => [s, new Set(s.parent ? [s.parent] : [])]));
    for (const r of stageRefs(ctx)) if (r.target && r.target !== r.stage) sets.get(r.stage)?.add(r.target);
    all = new Map([...sets].map(([s, d]) => [s, [...d]]));
    depsCache.set(ctx, all);
  }
  return all.get(stage) ?? [];
}

/** Stages the final image is built from, directly or through copies (what `docker build` runs). */
export function stagesReachingFinal(ctx: DockerfileContext): Set<Stage> {
  const seen = new Set<Stage>();
  const todo = ctx.finalStage ? [ctx.finalStage] : [];
  while (todo.length) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...stageDeps(ctx, s));
  }
  return seen;
}

/** Stages that copy or mount from `stage` (its consumers), excluding itself. */
export function consumersOf(ctx: DockerfileContext, stage: Stage): StageRef[] {
  return stageRefs(ctx).filter((r) => r.target === stage && r.stage !== stage);
}

const BUILD_PLATFORM = /\$\{?BUILDPLATFORM\b/;

/** True when the stage (or a stage it is built on) runs on `--platform=$BUILDPLATFORM`. */
export function onBuildPlatform(ctx: DockerfileContext, stage: Stage): boolean {
  return ctx.lineage(stage).some((s) => s.platform !== undefined && BUILD_PLATFORM.test(s.platform));
}

/** True for platform text naming an x86 architecture (`linux/amd64`, `386`, `x86_64`, ...). */
export function isX86Platform(p: string): boolean {
  return /^(?:[a-z0-9]+\/)?(?:amd64|386|x86_64|x86-64|i386|i686|x64)(?:\/v\d)?$/i.test(p.trim());
}

/** True for platform text naming an ARM architecture (`linux/arm64`, `linux/arm/v7`, `aarch64`). */
export function isArmPlatform(p: string): boolean {
  return /^(?:[a-z0-9]+\/)?(?:arm64|aarch64|arm|armhf|armel|armv\dl?)(?:\/v\d)?$/i.test(p.trim());
}

/** The configured target platforms that are ARM. */
export function armTargets(ctx: DockerfileContext): string[] {
  return ctx.settings.targetPlatforms.filter(isArmPlatform);
}

/** The instructions of a stage's lineage with a given keyword. */
export function lineageOf(ctx: DockerfileContext, stage: Stage, keyword: string): Instruction[] {
  return ctx.lineage(stage).flatMap((s) => s.instructions.filter((i) => i.getKeyword() === keyword));
}

/** The exec-form (JSON array) arguments of an instruction, or undefined for shell form. */
export function execArgs(ctx: DockerfileContext, inst: Instruction): string[] | undefined {
  const r = inst.getArgumentsRange();
  if (!r) return undefined;
  const text = ctx.textOf(r).replace(/\\[ \t]*\r?\n/g, '');
  if (!text.trimStart().startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

const POSIX_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** True when RUN/CMD shell form in this stage runs under a POSIX shell (no `SHELL ["powershell", ...]`). */
export function posixShell(ctx: DockerfileContext, stage: Stage): boolean {
  if (isWindowsStage(ctx, stage)) return false;
  const shells = lineageOf(ctx, stage, 'SHELL');
  const last = shells[shells.length - 1];
  if (!last) return true;
  const args = execArgs(ctx, last);
  if (!args?.length) return true;
  const exe = args[0].replace(/\\/g, '/');
  return POSIX_SHELLS.has(exe.slice(exe.lastIndexOf('/') + 1).toLowerCase());
}

/** True when the stage is built on a Windows base image (never runs on a Linux/ARM device). */
export function isWindowsStage(ctx: DockerfileContext, stage: Stage): boolean {
  const root = ctx.lineage(stage)[0];
  return /(^|\/)(windows|nanoserver|servercore|windowsservercore)([/:@-]|$)/i.test(root.image) || /windowsservercore|nanoserver|-ltsc\d{4}/i.test(root.image);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The candidate closest to `name` when it is close enough to be a likely typo. */
export function closestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** An edit that deletes an instruction's whole lines (with the line break after them). */
export function deleteInstruction(ctx: DockerfileContext, inst: Instruction): TextEdit {
  const r = inst.getRange();
  const nextLine = r.end.line + 1;
  const end = nextLine < ctx.lines.lineCount ? { line: nextLine, character: 0 } : r.end;
  return { range: { start: { line: r.start.line, character: 0 }, end }, newText: '' };
}

/** The 1-based line of an instruction, for messages. */
export function lineNo(inst: Instruction): number {
  return inst.getRange().start.line + 1;
}

/** Report every CMD/ENTRYPOINT of a stage but the last, which is the only one that takes effect. */
export function reportOverridden(ctx: DockerfileContext, keyword: 'CMD' | 'ENTRYPOINT'): void {
  for (const stage of ctx.stages) {
    const all = stage.instructions.filter((i) => i.getKeyword() === keyword);
    const last = all[all.length - 1];
    for (const inst of all.slice(0, -1)) {
      ctx.report({
        range: inst.getInstructionRange(),
        message: `Only the last ${keyword} of a stage takes effect, so this one (overridden on line ${lineNo(last)}) is dead code that misleads readers.`,
        related: [{ message: `the ${keyword} that takes effect`, range: last.getInstructionRange() }],
        fixes: [{ title: `Remove the ${keyword} that has no effect`, edits: [deleteInstruction(ctx, inst)] }],
      });
    }
  }
}

/** What C library the final image offers a binary: none (scratch, static), glibc (distroless base/cc), or any other. */
export function finalLibc(ctx: DockerfileContext): 'none' | 'glibc' | 'other' {
  const final = ctx.finalStage;
  if (!final) return 'other';
  const root = ctx.lineage(final)[0];
  if (root.imageResolved && root.image.toLowerCase() === 'scratch') return 'none';
  const ref = root.ref;
  if (!ref) return 'other';
  if (ref.registry === 'gcr.io' && /^distroless\/static/.test(ref.repository)) return 'none';
  if (ref.registry === 'cgr.dev' && /(^|\/)static$/.test(ref.repository)) return 'none';
  if (ref.registry === 'gcr.io' && /^distroless\/(base|cc)/.test(ref.repository)) return 'glibc';
  if (ref.registry === 'cgr.dev' && /(^|\/)glibc-dynamic$/.test(ref.repository)) return 'glibc';
  return 'other';
}

/** The RUNs of a stage and of the stages it is built FROM. */
export function lineageRunsOf(ctx: DockerfileContext, stage: Stage): RunInfo[] {
  return ctx.lineage(stage).flatMap((s) => s.runs);
}

/** The range to show for a stage's base image (the image text, or the whole FROM). */
export function imageRange(stage: Stage): Range {
  return stage.from.getImageRange() ?? stage.from.getRange();
}

/**
 * The value of an environment variable at an instruction, including ENVs inherited from the stages
 * its stage is built FROM (ctx.resolve sees only the stage itself); undefined when not set here.
 */
export function envAt(ctx: DockerfileContext, name: string, inst: Instruction): { value: string; complete: boolean } | undefined {
  const here = ctx.resolve('${' + name + '}', inst);
  if (here.complete) return here;
  const stage = ctx.stageOf(inst);
  if (!stage) return undefined;
  let found: { value: string; complete: boolean } | undefined;
  for (const s of ctx.lineage(stage).slice(0, -1)) {
    for (const i of s.instructions) {
      if (i.getKeyword() !== 'ENV') continue;
      for (const p of (i as Env).getProperties()) if (p.getName() === name) found = ctx.resolve(p.getValue() ?? '', i);
    }
  }
  // A declared ARG without a default in the stage itself: the value comes from the build command.
  if (!found && stage.instructions.some((i) => i.getKeyword() === 'ARG' && (i as Arg).getProperty()?.getName() === name && stage.instructions.indexOf(i) < stage.instructions.indexOf(inst))) {
    return { value: here.value, complete: false };
  }
  return found;
}
