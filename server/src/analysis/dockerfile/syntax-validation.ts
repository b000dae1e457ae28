// dockerfile-utils' validator run on the analysis context's own parse, so a Dockerfile is parsed
// once per analysis instead of twice, and the validator skips the shell words of RUN instructions
// it has nothing to say about.

import { DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { validate, type ValidatorSettings } from 'dockerfile-utils';
import type { DockerfileContext, RunInfo } from './context';

/**
 * What `validate(ctx.text, settings)` returns, computed on `ctx.dockerfile` rather than on a
 * second parse of the text. May throw where `validate` throws (dockerfile-ast's own recursion bug).
 */
export function validateParsed(ctx: DockerfileContext, settings?: ValidatorSettings): ReturnType<typeof validate> {
  const view = validatorView(ctx);
  // dockerfile-utils takes only text and parses it itself through DockerfileParser.parse; for the
  // length of this synchronous call that parse hands back the context's tree (for this exact
  // text only). A second copy of dockerfile-ast in a bundle would just parse again: same result.
  const parse = DockerfileParser.parse;
  DockerfileParser.parse = (content: string) => (content === ctx.text ? view : parse(content));
  try {
    return validate(ctx.text, settings);
  } finally {
    DockerfileParser.parse = parse;
  }
}

/** The parsed file as the validator sees it: the same tree, with cheap stand-ins for RUNs. */
function validatorView(ctx: DockerfileContext): Dockerfile {
  const runs = new Map(ctx.runs.map((r) => [r.instruction, r]));
  const instructions = ctx.dockerfile.getInstructions().map((inst) => {
    const run = runs.get(inst);
    return run ? runStandIn(ctx, run) : inst;
  });
  return Object.create(ctx.dockerfile, { getInstructions: { value: () => instructions } }) as Dockerfile;
}

/**
 * A RUN whose shell words the validator need not read. For a RUN, dockerfile-utils reports only
 * empty continuation lines (from the instruction's range and its heredocs) and a JSON array in
 * single quotes (which starts at the first argument): it never reports on a RUN's other arguments
 * or on the variables in its script (shell expansions are allowed there). Reading them tokenizes
 * the whole script several times, and RUNs are most of a real Dockerfile's text. So the stand-in
 * keeps the instruction's keyword, ranges and class, has no arguments or variables, and keeps its
 * heredocs when the text could hold one. A RUN whose first argument starts with `[` is left as it
 * is, and so are RUNs outside any stage (the context has no RunInfo for them).
 */
function runStandIn(ctx: DockerfileContext, run: RunInfo): Instruction {
  const inst = run.instruction;
  if (run.argumentsStart !== undefined && ctx.text.charAt(run.argumentsStart) === '[') return inst;
  // `<<` may be split by a line continuation, so any `<` keeps the real heredocs.
  const body = ctx.textOf({ start: inst.getInstructionRange().end, end: inst.getRange().end });
  const heredocs = body.includes('<') ? () => (inst as unknown as { getHeredocs(): unknown[] }).getHeredocs() : () => [];
  return Object.create(inst, {
    getArguments: { value: () => [] },
    getArgumentsContent: { value: () => null },
    getVariables: { value: () => [] },
    getHeredocs: { value: heredocs },
  }) as Instruction;
}
