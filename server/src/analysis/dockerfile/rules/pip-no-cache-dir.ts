import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { insertAfterWord } from '../helpers';
import { hasFlag, positionals, unwrap, type ShellCommand } from '../shell';
import { cacheMounted, envSet, removedLater, shippedRuns } from '../size-helpers';

const CACHE = ['~/.cache/pip'];

/** The `install` word of a pip call (`pip install`, `pip3.12 install`, `python3 -m pip install`), or -1. */
function installIndex(cmd: ShellCommand): number {
  if (/^pip(\d+(\.\d+)*)?$/.test(cmd.name)) {
    const first = positionals(cmd)[0];
    return first?.value === 'install' ? cmd.args.indexOf(first) : -1;
  }
  if (/^python(\d+(\.\d+)*)?$/.test(cmd.name)) {
    const m = cmd.args.findIndex((a) => a.value === '-m');
    if (m < 0 || cmd.args[m + 1]?.value !== 'pip') return -1;
    const sub = cmd.args.slice(m + 2).find((a) => !a.value.startsWith('-'));
    return sub?.value === 'install' ? cmd.args.indexOf(sub) : -1;
  }
  return -1;
}

export default defineRule<DockerfileContext>({
  id: 'pip-no-cache-dir',
  meta: {
    category: 'size',
    severity: 'warning',
    hadolint: 'DL3042',
    fixable: true,
    docs: "pip keeps every downloaded wheel in ~/.cache/pip; in an image that cache is dead weight the device stores forever.",
  },
  check(ctx) {
    for (const run of shippedRuns(ctx)) {
      if (cacheMounted(run, CACHE)) continue;
      if (envSet(ctx, run.instruction, 'PIP_NO_CACHE_DIR')) continue;
      for (const raw of run.shell.commands) {
        const cmd = unwrap(raw);
        const at = installIndex(cmd);
        if (at < 0) continue;
        // pip accepts unambiguous prefixes of long options, so --no-cache means --no-cache-dir.
        if (hasFlag(cmd, '--no-cache-dir', '--no-cache')) continue;
        // `PIP_NO_CACHE_DIR=1 pip ...`, `env PIP_NO_CACHE_DIR=1 pip ...`, or `export PIP_NO_CACHE_DIR=1` earlier.
        if (raw.assigns.some((a) => a.name === 'PIP_NO_CACHE_DIR') || raw.args.some((a) => a.value.startsWith('PIP_NO_CACHE_DIR='))) continue;
        if (run.shell.assigns.some((a) => a.name === 'PIP_NO_CACHE_DIR' && ctx.lines.offsetAt(a.range.start) < cmd.start)) continue;
        if (removedLater(run, cmd.start, CACHE)) continue;
        ctx.report({
          range: { start: cmd.args[0].range.start, end: cmd.args[at].range.end },
          message: 'pip install keeps downloaded packages in ~/.cache/pip inside this layer; add --no-cache-dir (or set PIP_NO_CACHE_DIR=1).',
          fixes: run.exec ? undefined : [{ title: 'Add --no-cache-dir', edits: [insertAfterWord(cmd, at, '--no-cache-dir')] }],
        });
      }
      if (run.exec && installIndex(execCommand(run.exec)) >= 0 && !run.exec.some((w) => w.startsWith('--no-cache'))) {
        ctx.report({ range: run.instruction.getArgumentsRange() ?? run.instruction.getRange(), message: 'pip install keeps downloaded packages in ~/.cache/pip inside this layer; add "--no-cache-dir".' });
      }
    }
  },
});

/** An exec-form word list seen as a command, for matching only. */
function execCommand(words: string[]): ShellCommand {
  const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const args = words.map((value) => ({ value, raw: value, range: zero, start: 0, end: 0, literal: true }));
  const n = words[0] ?? '';
  return { name: n.slice(n.lastIndexOf('/') + 1), args, assigns: [], range: zero, start: 0, end: 0 };
}
