// RUN lines parsed with mvdan/sh's parser (the one behind shfmt), so `&&`, `;`, pipes,
// continuations, heredocs, quoting and variables are understood rather than guessed at.

import { NotLoaded } from '../engine/deferred';
import { LineIndex } from '../engine/text';
import type { Range } from '../engine/types';

type Syntax = typeof import('mvdan-sh').syntax;

// mvdan-sh is a 1.3 MB GopherJS build that takes a few hundred milliseconds to load, so it is
// required on first use rather than imported: a process (the language server, the CLI) starts
// without it, and the server bundle keeps it in a file of its own (esbuild.mjs).
let syntaxModule: Syntax | undefined;
/** While true, a parse that would load the parser throws NotLoaded instead. */
let holdingBack = false;
/** Set when a parse was refused while holding back. */
let refused = false;

/** True once the shell parser is loaded. */
export function shellParserLoaded(): boolean {
  return syntaxModule !== undefined;
}

/** Load the shell parser now, if it is not loaded yet. */
export function loadShellParser(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  syntaxModule ??= (require('mvdan-sh') as typeof import('mvdan-sh')).syntax;
}

/**
 * Run `fn` without loading the shell parser: a RUN that needs parsing throws NotLoaded (the rule
 * runner drops that rule's findings). `complete` is false when anything was refused, so the caller
 * knows the result lacks the rules that read RUN scripts. With the parser loaded, `fn` just runs.
 */
export function withoutLoadingShellParser<T>(fn: () => T): { value: T; complete: boolean } {
  if (syntaxModule || holdingBack) return { value: fn(), complete: true };
  holdingBack = true;
  refused = false;
  try {
    const value = fn();
    return { value, complete: !refused };
  } finally {
    holdingBack = false;
  }
}

function syntax(): Syntax {
  if (!syntaxModule) {
    if (holdingBack) {
      refused = true;
      throw new NotLoaded('the shell parser');
    }
    loadShellParser();
  }
  return syntaxModule!;
}

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

/** One parser for the process: creating one per script costs more than small parses. */
let parser: ReturnType<Syntax['NewParser']> | undefined;

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

/** Parsed scripts by text, relative to the script's start (most recently used last). */
const cache = new Map<string, ShellScript>();
const CACHE_LIMIT = 4000;

/** Forget cached parses (benchmarks measure cold analysis with it). */
export function clearShellCache(): void {
  cache.clear();
}

/**
 * Parse a shell script located at `base` in the document. Never throws: a parse error is
 * returned with its range, and whatever parsed is still returned. Parses are cached by script
 * text, so re-analysing a document after a keystroke re-parses only the RUN that changed.
 */
export function parseShell(script: string, base: number, index: LineIndex): ShellScript {
  let rel = cache.get(script);
  if (rel) {
    cache.delete(script);
  } else {
    rel = parseUncached(script, 0, new LineIndex(script));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(script, rel);
  return rebase(rel, base, index);
}

/** A relative parse placed at `base` in a document: fresh objects, document offsets and ranges. */
function rebase(rel: ShellScript, base: number, index: LineIndex): ShellScript {
  const r = (start: number, end: number) => index.range(base + start, base + end);
  const rangeOf = (x: Range) => r(rel0.offsetAt(x.start), rel0.offsetAt(x.end));
  const rel0 = relIndex.get(rel)!;
  const assign = (a: ShellAssign): ShellAssign => ({ ...a, range: rangeOf(a.range) });
  const map = new Map<ShellCommand, ShellCommand>();
  const commands = rel.commands.map((c) => {
    const n: ShellCommand = {
      name: c.name,
      args: c.args.map((w) => ({ ...w, start: base + w.start, end: base + w.end, range: r(w.start, w.end) })),
      assigns: c.assigns.map(assign),
      start: base + c.start,
      end: base + c.end,
      range: r(c.start, c.end),
    };
    map.set(c, n);
    return n;
  });
  return {
    commands,
    pipes: rel.pipes.map((p) => ({ left: p.left.map((c) => map.get(c)!), right: p.right.map((c) => map.get(c)!) })),
    assigns: rel.assigns.map(assign),
    error: rel.error && { message: rel.error.message, range: rangeOf(rel.error.range) },
  };
}

/** The script's own line index, kept with each cached parse for rebasing ranges. */
const relIndex = new WeakMap<ShellScript, LineIndex>();

function parseUncached(script: string, base: number, index: LineIndex): ShellScript {
  const out = parseInto(script, base, index);
  relIndex.set(out, index);
  return out;
}

function parseInto(script: string, base: number, index: LineIndex): ShellScript {
  const out: ShellScript = { commands: [], pipes: [], assigns: [] };
  const toChar = byteToChar(script);
  const abs = (b: number) => base + toChar(b);
  const rangeOf = (node: { Pos(): { Offset(): number }; End(): { Offset(): number } }) =>
    index.range(abs(node.Pos().Offset()), abs(node.End().Offset()));
  let file;
  // Outside the try: NotLoaded must reach the caller, not turn into a parse error.
  const sx = syntax();
  try {
    parser ??= sx.NewParser(sx.KeepComments(false), sx.Variant(sx.LangBash));
    file = parser.Parse(script, 'RUN');
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

  // A hand-written traversal over the Go AST's internal objects. mvdan-sh is a GopherJS build;
  // going through its JS wrappers (Walk, getters) costs 10-40x the parse itself on large RUNs,
  // so the walk reads the underlying structs directly. The version is pinned in package.json
  // and test/unit/shell.test.ts covers every shape read here.
  const substs: unknown[] = [];
  const off = (pos: { offs: number }) => abs(pos.offs);
  const word = (w: GoNode): ShellWord => {
    const s = off(w.Pos());
    const e = off(w.End());
    let literal = true;
    const partsValue = (parts: GoSlice, quoted: boolean): string => {
      let v = '';
      for (const p of items(parts)) {
        const t = typeName(p);
        if (t === 'Lit') v += unescapeLit(goString(p.Value), quoted);
        else if (t === 'SglQuoted') v += goString(p.Value);
        else if (t === 'DblQuoted') v += partsValue(p.Parts, true);
        else {
          literal = false;
          if (t === 'CmdSubst' || t === 'ProcSubst') substs.push(p.Stmts);
          v += index.text.slice(off(p.Pos()), off(p.End()));
        }
      }
      return v;
    };
    const value = partsValue(w.Parts, false);
    return { value, raw: index.text.slice(s, e), range: index.range(s, e), start: s, end: e, literal };
  };
  const assign = (a: GoNode): ShellAssign => ({
    name: present(a.Name) ? goString(a.Name.Value) : '',
    value: present(a.Value) ? word(a.Value).value : '',
    range: index.range(off(a.Pos()), off(a.End())),
  });

  // `sink` collects the commands of the statement being visited, for pipe bookkeeping.
  const stmts = (list: GoSlice | null | undefined, sink: ShellCommand[][]) => {
    for (const st of items(list)) stmt(st, sink);
  };
  const stmt = (st: GoNode, sink: ShellCommand[][]) => {
    if (!present(st)) return;
    if (present(st.Cmd)) command(st.Cmd, sink);
    for (const r of items(st.Redirs)) if (present(r.Word)) word(r.Word);
  };
  const command = (c: GoNode, sink: ShellCommand[][]) => {
    switch (typeName(c)) {
      case 'CallExpr': {
        const args = items(c.Args).map(word);
        const assigns = items(c.Assigns).map(assign);
        const first = args[0]?.value ?? '';
        const start = off(c.Pos());
        const end = off(c.End());
        const cmd: ShellCommand = { name: first.slice(first.lastIndexOf('/') + 1), args, assigns, range: index.range(start, end), start, end };
        out.commands.push(cmd);
        for (const s of sink) s.push(cmd);
        if (args.length === 0) out.assigns.push(...assigns);
        return;
      }
      case 'BinaryCmd': {
        if (PIPE_OPS.has(c.Op)) {
          const left: ShellCommand[] = [];
          const right: ShellCommand[] = [];
          stmt(c.X, [...sink, left]);
          stmt(c.Y, [...sink, right]);
          out.pipes.push({ left, right });
        } else {
          stmt(c.X, sink);
          stmt(c.Y, sink);
        }
        return;
      }
      case 'DeclClause':
        for (const a of items(c.Args)) if (present(a.Name)) out.assigns.push(assign(a));
        return;
      case 'IfClause':
        for (let i: GoNode = c; present(i); i = i.Else) {
          stmts(i.Cond, sink);
          stmts(i.Then, sink);
        }
        return;
      case 'WhileClause':
        stmts(c.Cond, sink);
        stmts(c.Do, sink);
        return;
      case 'ForClause':
        // `for x in $(ls)`: reading the words collects the commands substituted into them.
        if (present(c.Loop) && typeName(c.Loop) === 'WordIter') for (const w of items(c.Loop.Items)) word(w);
        stmts(c.Do, sink);
        return;
      case 'CaseClause':
        // `case "$(uname -m)" in`: the subject may run a command too.
        if (present(c.Word)) word(c.Word);
        for (const item of items(c.Items)) stmts(item.Stmts, sink);
        return;
      case 'Subshell':
      case 'Block':
        stmts(c.Stmts, sink);
        return;
      case 'FuncDecl':
        stmt(c.Body, sink);
        return;
      case 'TimeClause':
      case 'CoprocClause':
        stmt(c.Stmt, sink);
        return;
      default:
        return;
    }
  };
  stmts(file.__internal_object__.Stmts, []);
  // Commands inside $(...) and <(...) found while reading words; they may hold more.
  for (let i = 0; i < substs.length && i < 1000; i++) stmts(substs[i] as GoSlice, []);
  out.commands.sort((a, b) => a.start - b.start);
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GoNode = any;
/** A GopherJS slice: a window on a backing array. */
interface GoSlice {
  $array: GoNode[];
  $offset: number;
  $length: number;
}

/** The elements of a Go slice (nil slices are empty). */
function items(s: GoSlice | null | undefined): GoNode[] {
  if (!s || !s.$array) return [];
  return s.$array.slice(s.$offset, s.$offset + s.$length);
}

/** `*syntax.CallExpr` -> `CallExpr`. */
function typeName(n: GoNode): string {
  const t: string = n?.constructor?.string ?? '';
  return t.slice(t.lastIndexOf('.') + 1);
}

/** False for null and for Go nil pointers (GopherJS represents those as a per-type object). */
function present(n: GoNode): boolean {
  return !!n && n !== n.constructor?.nil;
}

/** Remove the shell's backslash escapes from literal text (fewer are special inside double quotes). */
function unescapeLit(v: string, quoted: boolean): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\(\r?\n|[\s\S])/g, (m, c: string) => {
    if (c === '\n' || c === '\r\n') return '';
    if (!quoted || '$`"\\'.includes(c)) return c;
    return m;
  });
}

/** Go strings are UTF-8 byte strings in GopherJS; decode when they hold non-ASCII bytes. */
function goString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

export { hasFlag, positionals, subcommand, unwrap } from './shell-command';
