// Every snippet Pier contributes, expanded with its defaults as VS Code would insert it, lints
// clean with Pier's own rules (no error or warning; the only findings allowed are listed per
// snippet with why). Compose snippets are checked inside a `services:` block.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { analyzeCompose } from '../../server/src/analysis/compose/analyze';

const root = join(__dirname, '..', '..');
type Snippets = Record<string, { prefix: string; body: string[]; description: string }>;
const load = (f: string): Snippets => JSON.parse(readFileSync(join(root, 'snippets', f), 'utf8'));

/**
 * Expand a snippet body the way VS Code inserts it when every placeholder keeps its default:
 * `${1:x}` -> x (nested too), `${1|a,b|}` -> a, `$1`/`${1}` -> the text of tab stop 1 elsewhere or
 * nothing, `\$` -> `$` (a backslash before anything but `$`, `}` or `\` stays, as in VS Code). Variables do not occur in Pier's snippets (the test fails if one does).
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let out = '';
  let i = 0;
  const parse = (stop: string | undefined): string => {
    let s = '';
    while (i < body.length) {
      const c = body[i];
      if (c === '\\' && /[$}\\]/.test(body[i + 1] ?? '')) {
        s += body[i + 1];
        i += 2;
      } else if (stop && c === stop) {
        return s;
      } else if (c === '$' && body[i + 1] === '{') {
        const m = /^\$\{(\d+)(:|\||\})/.exec(body.slice(i));
        if (!m) throw new Error(`a variable or malformed placeholder at ${i}: ${body.slice(i, i + 20)}`);
        i += m[0].length;
        if (m[2] === '}') s += defaults.get(m[1]) ?? '';
        else if (m[2] === ':') {
          const v = parse('}');
          i++;
          if (!defaults.has(m[1])) defaults.set(m[1], v);
          s += v;
        } else {
          const end = body.indexOf('|}', i);
          const v = body.slice(i, end).split(',')[0];
          i = end + 2;
          defaults.set(m[1], v);
          s += v;
        }
      } else if (c === '$' && /\d/.test(body[i + 1] ?? '')) {
        const m = /^\$(\d+)/.exec(body.slice(i))!;
        i += m[0].length;
        s += defaults.get(m[1]) ?? '';
      } else if (c === '$') {
        throw new Error(`an unescaped $ (a snippet variable) at ${i}: ${body.slice(i, i + 20)}`);
      } else {
        s += c;
        i++;
      }
    }
    return s;
  };
  out = parse(undefined);
  return out;
}

test('the snippet expander follows VS Code for the syntax Pier uses', () => {
  assert.equal(expandSnippet('a ${1:x} b $1 ${2|p,q|} \\$HOME $0'), 'a x b x p $HOME ');
  assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
  assert.equal(expandSnippet('RUN a \\\n && b \\\\'), 'RUN a \\\n && b \\');
  assert.throws(() => expandSnippet('$HOME'), /unescaped/);
});

const dockerfiles = load('dockerfile.code-snippets');
const composes = load('compose.code-snippets');

test('there are edge Dockerfile snippets for Go, Rust, Node and Python, and Compose service snippets', () => {
  const prefixes = Object.values(dockerfiles).map((s) => s.prefix).sort();
  assert.deepEqual(prefixes, ['edge-go', 'edge-node', 'edge-python', 'edge-rust']);
  assert.deepEqual(Object.values(composes).map((s) => s.prefix).sort(), ['edge-service', 'edge-service-build']);
  for (const s of [...Object.values(dockerfiles), ...Object.values(composes)]) assert.ok(s.description.length > 20, `${s.prefix} says what it is`);
});

for (const [name, s] of Object.entries(dockerfiles)) {
  test(`Dockerfile snippet ${s.prefix} lints clean`, () => {
    const text = expandSnippet(s.body.join('\n'));
    assert.match(text, /\$(BUILDPLATFORM|TARGETARCH)|FROM python/, `${name} cross-builds or names why not`);
    const findings = analyzeDockerfile(text, { files: { dockerignore: '.git\nnode_modules\ntarget\n__pycache__\n' }, settings: { targetPlatforms: ['linux/arm64'] } });
    const loud = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(loud.map((f) => `${f.rule}: ${f.message}`), [], text);
    assert.ok(findings.length <= 1, `at most one quiet hint: ${findings.map((f) => f.rule).join(', ')}`);
  });
}

for (const [name, s] of Object.entries(composes)) {
  test(`Compose snippet ${s.prefix} lints clean`, () => {
    const service = expandSnippet(s.body.join('\n'));
    const text = `services:\n${service.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}\n`;
    const findings = analyzeCompose(text, { files: {} });
    const loud = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(loud.map((f) => `${f.rule}: ${f.message}`), [], `${name}\n${text}`);
  });
}
