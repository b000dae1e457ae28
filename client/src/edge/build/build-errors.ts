// Build output to diagnostics: where a build failed in the Dockerfile, in the form the VS Code
// layer turns into editor diagnostics. Understands the classic builder ("Step 3/5 : RUN ..." and
// "The command ... returned a non-zero code: 100"), BuildKit ("Dockerfile:12" and "ERROR: ...
// exit code: 100") and podman/buildah ("STEP 3/5: RUN ..." and `building at STEP "RUN ..."`).

import { DockerfileParser } from 'dockerfile-ast';

/** A zero-based position, as editors count. */
export interface Position {
  line: number;
  character: number;
}

/** A problem at a place in a file. */
export interface BuildDiagnostic {
  file: string;
  range: { start: Position; end: Position };
  message: string;
  severity: 'error' | 'warning';
}

/** An instruction's place and text. */
interface Instruction {
  keyword: string;
  text: string;
  range: { start: Position; end: Position };
}

function instructionsOf(dockerfile: string): Instruction[] {
  try {
    return DockerfileParser.parse(dockerfile)
      .getInstructions()
      .map((i) => {
        const r = i.getRange();
        return { keyword: i.getKeyword().toUpperCase(), text: normalise(i.toString()), range: { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } } };
      });
  } catch {
    return [];
  }
}

function normalise(s: string): string {
  return s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function lineRange(dockerfile: string, line: number): { start: Position; end: Position } {
  const text = dockerfile.split('\n')[line] ?? '';
  return { start: { line, character: 0 }, end: { line, character: text.replace(/\r$/, '').length } };
}

/** The instruction covering a zero-based line (so a continued RUN is marked whole). */
function instructionAtLine(insts: Instruction[], line: number): Instruction | undefined {
  return insts.find((i) => i.range.start.line <= line && i.range.end.line >= line);
}

/** The instruction whose text the builder echoed (exact first, then by prefix, for truncated echoes). */
function instructionByText(insts: Instruction[], echoed: string): Instruction | undefined {
  const want = normalise(echoed).replace(/\.\.\.$/, '');
  const upper = (s: string) => s.replace(/^(\w+)/, (k) => k.toUpperCase());
  return insts.find((i) => upper(i.text) === upper(want)) ?? insts.find((i) => want.length > 8 && upper(i.text).startsWith(upper(want)));
}

/** The last few lines a failing step printed, to carry into the message. */
function tail(lines: string[], n = 3): string {
  return lines
    .map((l) => l.replace(/^#\d+ \d+(\.\d+)? /, '').trim())
    .filter((l) => l && !/^(---> |Removing intermediate container|#\d+ |------|Step \d+\/\d+|STEP \d+)/.test(l))
    .slice(-n)
    .join(' / ');
}

/** Map a failed build's output to diagnostics on the Dockerfile; empty when nothing points at a line. */
export function mapBuildErrors(output: string, dockerfile: string, file: string): BuildDiagnostic[] {
  const lines = output.replace(/\r/g, '').split('\n');
  const insts = instructionsOf(dockerfile);
  const out: BuildDiagnostic[] = [];
  const add = (range: { start: Position; end: Position } | undefined, message: string) => {
    if (range && !out.some((d) => d.range.start.line === range.start.line && d.message === message)) out.push({ file, range, message, severity: 'error' });
  };

  // Parse errors name their line in every builder's words.
  for (const l of lines) {
    const m = /(?:Dockerfile )?parse error (?:on )?line (\d+): (.+)$/i.exec(l);
    if (m) add(lineRange(dockerfile, Number(m[1]) - 1), `Dockerfile parse error: ${m[2].trim()}`);
  }

  // BuildKit: "Dockerfile:12" above a code frame, then "ERROR: ..." with the reason.
  const errLine = [...lines].reverse().find((l) => /^(ERROR|error): /.test(l.trim()))?.trim().replace(/^(ERROR|error): (failed to solve: )?/, '');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:\S*\/)?[\w.-]*(?:Dockerfile|Containerfile)[\w.-]*:(\d+)$/.exec(lines[i].trim());
    if (!m) continue;
    const line = Number(m[1]) - 1;
    const inst = instructionAtLine(insts, line);
    add(inst?.range ?? lineRange(dockerfile, line), (errLine ?? 'the build failed here').replace(/^process "(.*)" did not complete successfully: /, `${inst?.keyword ?? 'RUN'} failed: `));
  }
  if (out.length) return out;

  // Classic builder: the last "Step N/M : TEXT" before the failure.
  let stepIndex = -1;
  let stepNo = 0;
  let stepText = '';
  for (let i = 0; i < lines.length; i++) {
    const m = /^Step (\d+)\/\d+ : (.*)$/.exec(lines[i]) ?? /^(?:\[[^\]]+\] )?STEP (\d+)(?:\/\d+)?: (.*)$/.exec(lines[i]);
    if (m) {
      stepIndex = i;
      stepNo = Number(m[1]);
      stepText = m[2];
    }
  }
  const failure = lines.map((l) => l.trim()).reverse().find((l) => /returned a non-zero code|COPY failed|ADD failed|^Error: |^error building|failed to|not found|no such|pull access denied|manifest .* not found|invalid reference/i.test(l));
  if (!failure) return out;
  const podmanStep = /building at STEP "([^"]+)"/.exec(failure)?.[1];
  // The classic builder counts every instruction in file order, ARGs before FROM included.
  const inst = (podmanStep && instructionByText(insts, podmanStep)) || (stepText && instructionByText(insts, stepText)) || (stepNo > 0 && !podmanStep ? insts[stepNo - 1] : undefined);
  const code = /non-zero code: (\d+)|exit (?:status|code):? (\d+)/.exec(failure);
  const printed = stepIndex >= 0 ? tail(lines.slice(stepIndex + 1, lines.findIndex((l, i) => i > stepIndex && l.trim() === failure) + 1 || undefined).filter((l) => l.trim() !== failure)) : '';
  const what = inst ? `${inst.keyword}` : 'This step';
  const message = code ? `${what} failed with exit code ${code[1] ?? code[2]}${printed ? `: ${printed}` : ''}` : failure.replace(/^Error: /, '');
  add(inst?.range, message);
  return out;
}
