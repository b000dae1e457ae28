// RUN lines parsed with mvdan/sh's parser (the one behind shfmt), so `&&`, `;`, pipes,
// continuations, heredocs, quoting and variables are understood rather than guessed at.

import sh from 'mvdan-sh';
import type { LineIndex } from '../engine/text';
import type { Range } from '../engine/types';

const { syntax } = sh;

/** One word of a command, with its value after quote removal (expansions kept as written). */
export interface ShellWord {
  value: string;
  /** The source text of the word, quotes included. */
  raw: string;
  range: Range;
  start: number;
  end: number;
  /** True when the word has no expansion (its value is known exactly). */
  literal: boolean;
}

/** A variable assignment (`X=1 cmd`, `export X=1`). */
export interface ShellAssign {
  name: string;
  value: string;
  range: Range;
}

/** One simple command found anywhere in a script. */
export interface ShellCommand {
  /** Command name with any path stripped (`/usr/bin/apt-get` -> `apt-get`); '' for bare assignments. */
  name: string;
  /** All words, the name first. */
  args: ShellWord[];
  assigns: ShellAssign[];
  range: Range;
  start: number;
  end: number;
}

/** A script: its commands and pipes, or why it could not be parsed. */
export interface ShellScript {
  commands: ShellCommand[];
  /** `x | y`: commands on the left side of each pipe and those on the right. */
  pipes: Array<{ left: ShellCommand[]; right: ShellCommand[] }>;
  /** `export X=1` and bare `X=1` assignments. */
  assigns: ShellAssign[];
  error?: { message: string; range: Range };
}

const PIPE_OPS = new Set([12, 13]); // `|` and `|&` in mvdan/sh's BinCmdOperator

/** Byte offsets (Go) -> UTF-16 offsets (JS) for a script, identity for ASCII. */
function byteToChar(script: string): (b: number) => number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(script)) return (b) => b;
  const map: number[] = [];
  let b = 0;
  for (let i = 0; i < script.length; i++) {
    const cp = script.codePointAt(i)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (cp > 0xffff) i++;
  }
  map[b] = script.length;
  return (x) => map[x] ?? script.length;
}

/**
 * Parse a shell script located at `base` in the document. Never throws: a parse error is
 * returned with its range, and whatever parsed is still returned.
 */
export function parseShell(script: string, base: number, index: LineIndex): ShellScript {
  const out: ShellScript = { commands: [], pipes: [], assigns: [] };
  const toChar = byteToChar(script);
  const abs = (b: number) => base + toChar(b);
  const rangeOf = (node: { Pos(): { Offset(): number }; End(): { Offset(): number } }) =>
    index.range(abs(node.Pos().Offset()), abs(node.End().Offset()));
  let file;
  try {
    file = syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash)).Parse(script, 'RUN');
  } catch (e) {
    const err = e as { Error?: () => string; Pos?: { Offset(): number }; Text?: string };
    const text = typeof err.Error === 'function' ? err.Error() : String(e);
    let at = base;
    try {
      if (err.Pos && typeof err.Pos.Offset === 'function') at = abs(err.Pos.Offset());
    } catch {
      /* position unknown: report at the script start */
    }
    out.error = { message: text.replace(/^RUN:\d+:\d+: /, ''), range: index.range(at, Math.min(at + 1, base + script.length)) };
    return out;
  }

  const word = (w: WordNode): ShellWord => {
    const s = abs(w.Pos().Offset());
    const e = abs(w.End().Offset());
    const raw = index.text.slice(s, e);
    let literal = true;
    const partsValue = (parts: WordNode[]): string =>
      parts
        .map((p) => {
          switch (syntax.NodeType(p)) {
            case 'Lit':
              return p.Value as string;
            case 'SglQuoted':
              return p.Value as string;
            case 'DblQuoted':
              return partsValue(p.Parts);
            default:
              literal = false;
              return index.text.slice(abs(p.Pos().Offset()), abs(p.End().Offset()));
          }
        })
        .join('');
    const value = partsValue(w.Parts);
    return { value, raw, range: index.range(s, e), start: s, end: e, literal };
  };
  const assign = (a: WordNode): ShellAssign => ({
    name: a.Name ? (a.Name.Value as string) : '',
    value: a.Value ? word(a.Value).value : '',
    range: rangeOf(a),
  });

  const callsIn = (node: WordNode): ShellCommand[] => {
    const found: ShellCommand[] = [];
    syntax.Walk(node, (n) => {
      if (n && syntax.NodeType(n) === 'CallExpr') found.push(byStart.get(abs(n.Pos().Offset()))!);
      return true;
    });
    return found.filter(Boolean);
  };

  const byStart = new Map<number, ShellCommand>();
  const binaries: WordNode[] = [];
  syntax.Walk(file, (n) => {
    if (!n) return true;
    const t = syntax.NodeType(n);
    if (t === 'CallExpr') {
      const args = (n.Args as WordNode[]).map(word);
      const assigns = (n.Assigns as WordNode[]).map(assign);
      const first = args[0]?.value ?? '';
      const cmd: ShellCommand = {
        name: first.slice(first.lastIndexOf('/') + 1),
        args,
        assigns,
        range: rangeOf(n),
        start: abs(n.Pos().Offset()),
        end: abs(n.End().Offset()),
      };
      out.commands.push(cmd);
      byStart.set(cmd.start, cmd);
      if (args.length === 0) out.assigns.push(...assigns);
    } else if (t === 'DeclClause') {
      for (const a of n.Args as WordNode[]) if (a.Name) out.assigns.push(assign(a));
    } else if (t === 'BinaryCmd' && PIPE_OPS.has(n.Op)) {
      binaries.push(n);
    }
    return true;
  });
  for (const b of binaries) out.pipes.push({ left: callsIn(b.X), right: callsIn(b.Y) });
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WordNode = any;

/** True when a command has any of the given flags (`-y`, `--no-cache`, combined short flags). */
export function hasFlag(cmd: ShellCommand, ...flags: string[]): boolean {
  for (const a of cmd.args.slice(1)) {
    const v = a.value;
    for (const f of flags) {
      if (v === f || v.startsWith(f + '=')) return true;
      if (f.length === 2 && f[0] === '-' && /^-[a-zA-Z]+$/.test(v) && v.includes(f[1])) return true;
    }
  }
  return false;
}

/** The words after the command name that are not flags. */
export function positionals(cmd: ShellCommand): ShellWord[] {
  return cmd.args.slice(1).filter((a) => !a.value.startsWith('-'));
}

/** The first positional word (a subcommand such as `install` in `apt-get install`). */
export function subcommand(cmd: ShellCommand): string | undefined {
  return positionals(cmd)[0]?.value;
}

/** Wrappers that run another command: `sudo apt-get`, `env X=1 pip`, `nice ...`. */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'command', 'exec', 'xargs', 'gosu', 'su-exec', 'chroot', 'stdbuf', 'timeout']);

/** Wrapper options whose value is the next word (`sudo -u user`, `xargs -I {}`, `nice -n 5`). */
const WRAPPER_VALUE_OPTIONS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout']),
  env: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  xargs: new Set(['-I', '-n', '-P', '-d', '-L', '-s', '-a', '-E', '--max-args', '--max-procs', '--delimiter', '--max-lines', '--max-chars', '--arg-file']),
  stdbuf: new Set(['-i', '-o', '-e', '--input', '--output', '--error']),
  timeout: new Set(['-s', '--signal', '-k', '--kill-after']),
};

/** Wrappers that take one operand before the command they run. */
const WRAPPER_OPERAND = new Set(['timeout', 'gosu', 'su-exec', 'chroot']);

/** The command a wrapper runs, as its own ShellCommand (or the command itself). */
export function unwrap(cmd: ShellCommand): ShellCommand {
  let c = cmd;
  for (let guard = 0; guard < 4 && WRAPPERS.has(c.name); guard++) {
    let i = 1;
    const valued = WRAPPER_VALUE_OPTIONS[c.name];
    while (i < c.args.length && (c.args[i].value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(c.args[i].value))) {
      // `sudo -u node yarn`: the option's value is not the command.
      if (valued?.has(c.args[i].value)) i++;
      i++;
    }
    // `timeout 5 cmd`, `gosu user cmd`, `su-exec user cmd`, `chroot /dir cmd`: one operand before the command.
    if (WRAPPER_OPERAND.has(c.name) && i < c.args.length) i++;
    if (i >= c.args.length) return c;
    const rest = c.args.slice(i);
    const n = rest[0].value;
    c = { ...c, name: n.slice(n.lastIndexOf('/') + 1), args: rest, start: rest[0].start, range: { start: rest[0].range.start, end: c.range.end } };
  }
  return c;
}
