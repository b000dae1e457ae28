// The shell model rules rely on: commands, words, pipes and assignments, with document ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShell, hasFlag, unwrap, subcommand } from '../../server/src/analysis/dockerfile/shell';
import { LineIndex } from '../../server/src/analysis/engine/text';

const parse = (s: string) => parseShell(s, 0, new LineIndex(s));
const names = (s: string) => parse(s).commands.map((c) => c.name);

test('commands through every compound form', () => {
  const s = 'if a; then b | c; elif d; then e; else f; fi; for x in 1; do g; done; while h; do i; done; case x in y) j;; esac; (k); { l; }; m() { n; }; time o; ! p; q && r || s';
  assert.deepEqual(names(s), 'a b c d e f g h i j k l n o p q r s'.split(' '));
});

test('words: quotes removed, expansions kept as written, literal flag', () => {
  const { commands } = parse(`echo 'a b' "c $D" e\\ f \${G:-h} x"y"z`);
  const w = commands[0].args.map((a) => [a.value, a.literal]);
  assert.deepEqual(w, [['echo', true], ['a b', true], ['c $D', false], ['e f', true], ['${G:-h}', false], ['xyz', true]]);
  assert.equal(commands[0].args[2].raw, '"c $D"');
});

test('ranges are document offsets, also after non-ASCII text and continuations', () => {
  const text = 'RUN echo é && \\\n    apt-get install -y curl';
  const idx = new LineIndex(text);
  const sh = parseShell(text.slice(4), 4, idx);
  const apt = sh.commands[1];
  assert.equal(apt.name, 'apt-get');
  assert.deepEqual(apt.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 27 } });
  assert.equal(text.slice(apt.args[3].start, apt.args[3].end), 'curl');
  assert.equal(sh.commands[0].args[1].value, 'é');
});

test('pipes: left and right commands, nested', () => {
  const { pipes } = parse('curl -fsSL https://x | tee f | sh -s -- a && echo ok');
  const flat = pipes.map((p) => [p.left.map((c) => c.name).join(','), p.right.map((c) => c.name).join(',')]);
  assert.deepEqual(flat.sort(), [['curl', 'tee'], ['curl,tee', 'sh']].sort());
});

test('command substitutions and process substitutions are searched', () => {
  assert.deepEqual(names('sh -c "$(curl -s https://x)"').sort(), ['curl', 'sh']);
  assert.deepEqual(names('bash <(wget -qO- https://x)').sort(), ['bash', 'wget']);
});

test('assignments: export, bare and prefix', () => {
  const sh = parse('export A=1 B; C=2; D=3 make');
  assert.deepEqual(sh.assigns.map((a) => `${a.name}=${a.value}`), ['A=1', 'B=', 'C=2']);
  assert.deepEqual(sh.commands.find((c) => c.name === 'make')!.assigns.map((a) => a.name), ['D']);
});

test('heredoc bodies are not commands; redirections parse', () => {
  assert.deepEqual(names('cat <<EOF > /etc/x\nrm -rf /\nEOF\necho done'), ['cat', 'echo']);
});

test('parse errors are returned with a range, never thrown', () => {
  const sh = parse('echo ok\necho "unterminated');
  assert.ok(sh.error);
  assert.match(sh.error.message, /quote/);
  assert.equal(sh.error.range.start.line, 1);
});

test('flag helpers', () => {
  const c = parse('apt-get install -qy --no-install-recommends x').commands[0];
  assert.ok(hasFlag(c, '-y'));
  assert.ok(hasFlag(c, '--no-install-recommends'));
  assert.ok(!hasFlag(c, '--force'));
  assert.equal(subcommand(c), 'install');
  const u = unwrap(parse('sudo -E env A=1 /usr/bin/pip install x').commands[0]);
  assert.equal(u.name, 'pip');
  assert.equal(u.args[1].value, 'install');
});
