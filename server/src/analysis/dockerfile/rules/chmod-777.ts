import { defineRule, type Range } from '../../engine/types';
import type { DockerfileContext, RunInfo, Stage } from '../context';
import { commandsNamed, finalLineage } from '../helpers';
import { positionals, type ShellCommand, type ShellWord } from '../shell';
import { worldWritableMode } from '../security-helpers';

/** Flags of install/mkdir that carry a mode. */
const MODE_FLAGS = new Set(['-m', '--mode']);

export default defineRule<DockerfileContext>({
  id: 'chmod-777',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: true,
    docs: 'World-writable files let any process in the container, whatever its user, rewrite the app or its config.',
  },
  check(ctx) {
    const shipped = new Set(finalLineage(ctx));
    for (const { run, cmd } of commandsNamed(ctx, ['chmod', 'install', 'mkdir'])) {
      const found = modeWord(cmd);
      if (!found) continue;
      const mode = worldWritableMode(found.word.value);
      if (!mode.writable || !found.word.literal) continue;
      if (found.paths.length && found.paths.every((p) => temporary(run, cmd, p))) continue;
      // Exec-form words all carry the instruction's range, so there is no word to rewrite.
      const tmp = found.paths.length > 0 && found.paths.every((p) => /^\/(tmp|var\/tmp|dev\/shm)\/?$/.test(p.value));
      report(ctx, run.stage, shipped, found.word.range, found.word.value, `${cmd.name} ${found.word.value}`, !run.exec, tmp);
    }
    for (const stage of ctx.stages) {
      for (const inst of stage.instructions) {
        const k = inst.getKeyword();
        if (k !== 'COPY' && k !== 'ADD') continue;
        // Reading flags re-tokenises the instruction; most COPYs have no --chmod at all.
        if (!/--chmod/i.test(ctx.textOf(inst.getRange()))) continue;
        const flags = (inst as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null; getValueRange(): Range | null }> }).getFlags();
        const f = flags.find((x) => x.getName().toLowerCase() === 'chmod');
        const value = f?.getValue();
        const range = f?.getValueRange();
        if (!value || !range || !worldWritableMode(value).writable) continue;
        report(ctx, stage, shipped, range, value, `${k} --chmod=${value}`, true);
      }
    }
  },
});

function report(ctx: DockerfileContext, stage: Stage, shipped: Set<Stage>, range: Range, mode: string, what: string, editable: boolean, tmp = false): void {
  // A shared temp directory should stay writable for all, with the sticky bit that /tmp has.
  const safe = !editable ? undefined : tmp && /^0?777$/.test(mode) ? '1777' : saferMode(mode);
  const inFinal = shipped.has(stage);
  ctx.report({
    range,
    severity: inFinal ? undefined : 'info',
    message: inFinal
      ? `${what} makes files writable by every user in the container, so any compromised process can rewrite them.`
      : `${what} makes files writable by every user; this stage is not shipped, but COPY --from keeps the mode.`,
    fixes: safe ? [{ title: `Use ${safe} instead`, edits: [{ range, newText: safe }] }] : undefined,
  });
}

/** The mode word of chmod (first positional) or of install/mkdir (`-m MODE`, `--mode=MODE`), and the paths. */
function modeWord(cmd: ShellCommand): { word: ShellWord; paths: ShellWord[] } | undefined {
  if (cmd.name === 'chmod') {
    if (cmd.args.some((a) => a.value.startsWith('--reference'))) return undefined;
    const [word, ...paths] = positionals(cmd);
    return word && { word, paths };
  }
  for (let i = 1; i < cmd.args.length; i++) {
    const v = cmd.args[i].value;
    const paths = positionals(cmd).filter((p) => p !== cmd.args[i + 1]);
    if (MODE_FLAGS.has(v) && cmd.args[i + 1]) return { word: cmd.args[i + 1], paths };
    if (v.startsWith('--mode=')) {
      const w = cmd.args[i];
      const cut = w.raw.indexOf('=') + 1;
      return { word: { ...w, value: v.slice(7), range: { start: { line: w.range.start.line, character: w.range.start.character + cut }, end: w.range.end } }, paths };
    }
  }
  return undefined;
}

/**
 * A path made in the same RUN with mktemp, or removed later in it, never reaches the layer
 * (nginx's build-from-source branch opens a temp dir to the `_apt` user this way).
 */
function temporary(run: RunInfo, cmd: ShellCommand, path: ShellWord): boolean {
  const later = run.shell.commands.filter((c) => c.start > cmd.start);
  if (later.some((c) => c.name === 'rm' && c.args.slice(1).some((a) => a.value === path.value || path.value.startsWith(a.value.replace(/\/*$/, '/'))))) return true;
  const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(path.value)?.[1];
  if (!v) return false;
  const assigns = [...run.shell.assigns, ...run.shell.commands.flatMap((c) => c.assigns)];
  return assigns.some((a) => a.name === v && /\bmktemp\b/.test(a.value));
}

/** 755 for anything executable or a directory-like mode, 644 for plain files; keep setuid/setgid digits. */
function saferMode(mode: string): string | undefined {
  const m = worldWritableMode(mode);
  if (m.numeric) {
    const special = mode.length === 4 ? mode[0] : '';
    return special + (m.executable ? '755' : '644');
  }
  // Only the "everything for everyone" symbolic forms map to a plain mode without guessing.
  const full = /^(?:a|ugo)[+=](rw[xX]?)$/.exec(mode);
  if (!full) return undefined;
  return full[1] === 'rw' ? '644' : '755';
}
