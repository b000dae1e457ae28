// Stage resolution shared by the analysis context and the editor's lighter parsed view: global
// ARGs, each FROM's base image after substitution, `FROM <stage>` parents and which stage owns
// each instruction, read the way the builder reads them.

import type { Dockerfile, From, Instruction } from 'dockerfile-ast';
import { parseImageRef, type ImageRef } from './image-ref';
import { substitute, PLATFORM_ARGS, type Vars } from './variables';

/** What every view of a build stage knows. */
export interface StageCore<S> {
  index: number;
  /** The `AS name`, lower-cased; undefined when unnamed (`from.getBuildStage()` has it as written). */
  name?: string;
  from: From;
  /** The base image text after ARG substitution. */
  image: string;
  /** True when every variable in the image text was resolved. */
  imageResolved: boolean;
  /** The parsed reference; undefined for `scratch`, stage references and unresolved text. */
  ref?: ImageRef;
  /** The earlier stage this one builds on (`FROM build AS final`). */
  parent?: S;
  /** `--platform` value after substitution, as written when it names a platform variable. */
  platform?: string;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
  isFinal: boolean;
}

/** Stages of a Dockerfile with the lookups built alongside them. */
export interface StageSplit<S> {
  /** Global ARGs declared before the first FROM. */
  globalArgs: Vars;
  stages: S[];
  /** First stage of each lower-cased name. */
  byName: Map<string, S>;
  /** The stage of each instruction, FROM included. */
  owner: Map<Instruction, S>;
}

/** Split a parsed Dockerfile into stages; `make` adds a view's own fields to each. */
export function splitStages<S extends StageCore<S>>(dockerfile: Dockerfile, make: (core: StageCore<S>) => S): StageSplit<S> {
  const globalArgs: Vars = new Map();
  for (const a of dockerfile.getInitialARGs()) {
    const p = a.getProperty();
    if (p?.getName()) globalArgs.set(p.getName(), p.getValue() ?? undefined);
  }
  // Platform variables stay as written in --platform: their value is the build's, not a default.
  const platformVars: Vars = new Map([...globalArgs].filter(([k]) => !PLATFORM_ARGS.has(k)));
  const stages: S[] = [];
  const byName = new Map<string, S>();
  const owner = new Map<Instruction, S>();
  let current: S | undefined;
  for (const inst of dockerfile.getInstructions()) {
    if (inst.getKeyword() === 'FROM') {
      const from = inst as From;
      const sub = substitute(from.getImage() ?? '', globalArgs);
      const name = from.getBuildStage()?.toLowerCase();
      const parent = byName.get(sub.value.toLowerCase());
      const plat = from.getPlatformFlag()?.getValue() ?? undefined;
      current = make({
        index: stages.length,
        name,
        from,
        image: sub.value,
        imageResolved: sub.complete,
        ref: parent || !sub.complete || sub.value.toLowerCase() === 'scratch' ? undefined : parseImageRef(sub.value),
        parent,
        platform: plat === undefined ? undefined : substitute(plat, platformVars).value,
        instructions: [],
        isFinal: false,
      });
      stages.push(current);
      owner.set(from, current);
      if (name && !byName.has(name)) byName.set(name, current);
    } else if (current) {
      current.instructions.push(inst);
      owner.set(inst, current);
    }
  }
  if (stages.length) stages[stages.length - 1].isFinal = true;
  return { globalArgs, stages, byName, owner };
}

/** A stage's ancestry through `FROM <stage>`, oldest first, the stage itself last. */
export function lineageOf<S extends { parent?: S }>(stage: S, limit: number): S[] {
  const chain: S[] = [];
  for (let s: S | undefined = stage; s && chain.length <= limit; s = s.parent) chain.unshift(s);
  return chain;
}
