// The quoting helper alone: shapes of quoted words, refusals, and a round trip through a real
// POSIX shell (dash, as on small devices) for arbitrary strings.

import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildCommand, buildScript, buildWithEnv, quoteArg } from '../../client/src/edge/ssh/quote';

/** Run shell text locally with /bin/sh and return the NUL-separated words printf printed. */
function throughShell(text: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', text], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('quoteArg', () => {
  it('leaves plain words alone and quotes everything else', () => {
    assert.equal(quoteArg('nginx:1.25-alpine'), 'nginx:1.25-alpine');
    assert.equal(quoteArg('/var/lib/docker'), '/var/lib/docker');
    assert.equal(quoteArg(''), "''");
    assert.equal(quoteArg('a b'), "'a b'");
    assert.equal(quoteArg("it's"), `'it'\\''s'`);
    assert.equal(quoteArg('$(id)'), "'$(id)'");
  });

  it('refuses NUL bytes and non-strings', () => {
    assert.throws(() => quoteArg('a\0b'), /NUL/);
    assert.throws(() => quoteArg(42 as unknown as string), /string/);
    assert.throws(() => buildCommand([]), /program/);
  });

  it('refuses bad env names and program names that env would misread', () => {
    assert.throws(() => buildWithEnv({ 'A;B': 'x' }, ['true']), /invalid environment variable name/);
    assert.throws(() => buildWithEnv({ A: 'x' }, ['B=c']), /invalid program name/);
    assert.equal(buildWithEnv({}, ['true']), 'true');
  });

  it('round-trips arbitrary strings through a real shell byte for byte', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 8 }), (args) => {
        assert.deepEqual(throughShell(buildCommand(['printf', '%s\\0', ...args])), args);
      }),
      { numRuns: 25 },
    );
  });

  it('passes script arguments as positional parameters, never as script text', () => {
    const hostile = ['$(echo pwned)', "'; echo pwned; '", 'a\nb', '`echo pwned`'];
    const text = buildScript('for a in "$@"; do printf "%s\\0" "$a"; done', hostile);
    assert.deepEqual(throughShell(text), hostile);
  });

  it('passes environment values through env unchanged', () => {
    const value = `x"; echo pwned; '$(id)'\n\`id\``;
    const text = buildWithEnv({ PIER_V: value }, ['sh', '-c', 'printf "%s\\0" "$PIER_V"']);
    assert.deepEqual(throughShell(text), [value]);
  });
});
