// validateParsed runs dockerfile-utils' validator on the analysis context's own parse, with RUNs
// the validator has nothing to say about standing in without their words. It must return exactly
// what validate() returns on the text: on every corpus Dockerfile, on mutated ones, and on the
// shapes where a RUN does get a diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { buildContext } from '../../server/src/analysis/dockerfile/context';
import { validateParsed } from '../../server/src/analysis/dockerfile/syntax-validation';
import { resolveSettings } from '../../server/src/analysis/engine/types';
import { corpusFiles } from '../corpus-files';

const corpus = corpusFiles('dockerfile').map((f) => f.text);
const settings = resolveSettings({});
const viaText = (text: string) => JSON.stringify(validate(text));
const viaParse = (text: string) => JSON.stringify(validateParsed(buildContext(text, settings, {}, () => {})));

/** The same diagnostics both ways; texts dockerfile-ast itself cannot validate (its recursion bug) are skipped. */
function assertSame(text: string): void {
  let expected: string;
  try {
    expected = viaText(text);
  } catch {
    return;
  }
  assert.equal(viaParse(text), expected, JSON.stringify(text));
}

test('validateParsed equals validate on every corpus Dockerfile', () => {
  for (const text of corpus) assertSame(text);
});

test('validateParsed equals validate where RUNs get diagnostics', () => {
  const shapes = [
    // JSON in single quotes, also split by continuations, with flags, with spaces.
    "FROM alpine:3.20\nRUN ['apk', 'add', 'curl']\n",
    "FROM alpine:3.20\nRUN [ 'apk', \\\n 'add' ]\n",
    "FROM alpine:3.20\nRUN [\\\n'apk']\n",
    "FROM alpine:3.20\nRUN --network=none ['apk', 'add']\n",
    "FROM alpine:3.20\nRUN echo '[x]' && test -f a\n",
    // Empty continuation lines, with flags, comments and a lone CR; inside heredocs they do not count.
    'FROM alpine:3.20\nRUN apk add \\\n\n    curl\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk \\\n\n \\\n  apk add curl \\\n# c\n\n  git\n',
    'FROM alpine:3.20\nRUN apk add \\\r\n\r\n curl\r\n',
    'FROM alpine:3.20\nRUN a \\\r\r b\n',
    'FROM alpine:3.20\nRUN <<EOF\napk add \\\n\ncurl\nEOF\nRUN x \\\n\n y\n',
    'FROM alpine:3.20\nRUN cat <<EOF > /a \\\n\n && true\nhello\n\nEOF\n',
    // A heredoc marker split by a continuation.
    'FROM alpine:3.20\nRUN <\\\n<EOF\napk update\n\nEOF\n',
    // The escape directive, RUN before FROM, RUN in ONBUILD, no arguments, a duplicate CMD.
    '# escape=`\nFROM alpine:3.20\nRUN apk add `\n\n    curl\n',
    'RUN echo hi\nFROM alpine:3.20\n',
    "FROM alpine:3.20\nONBUILD RUN ['a', 'b']\nONBUILD RUN a \\\n\n b\n",
    'FROM alpine:3.20\nRUN\nRUN \\\n\nCMD ["a"]\nCMD ["b"]\n',
    // Variables with modifiers: allowed in RUN, reported in ENV.
    'FROM alpine:3.20\nRUN echo ${A:x} ${B:?} $C\nENV D=${E:x}\n',
    // The validator's own ignore comment.
    "FROM alpine:3.20\n# dockerfile-utils: ignore\nRUN ['a']\nRUN ['b']\n",
  ];
  for (const text of shapes) assertSame(text);
});

test('validateParsed equals validate on mutated corpus Dockerfiles', () => {
  const tokens = [
    '\\\n', '\\', '\n', '<<EOF\n', 'EOF\n', '<', '"', "'", '`', '$(', '${', '}', '${a:x}', '[', ']', "['a']", "[ 'a', \\\n'b' ]",
    '["a", "b"]', 'FROM ', 'RUN ', 'RUN\n', 'RUN --mount=type=cache,target=/root ', 'a--b --c ', 'ONBUILD ', 'CMD ',
    '# escape=`\n', '# dockerfile-utils: ignore\n', ' \\\n\n', '#c\n', '\r\n', '\r', '\t',
  ];
  const mutation = fc.oneof(
    fc.record({ at: fc.nat(), text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 10 })) }),
    fc.record({ at: fc.nat(), len: fc.integer({ min: 1, max: 100 }) }),
  );
  fc.assert(
    fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, ops) => {
      let t = corpus[i];
      for (const m of ops) {
        const at = t.length ? m.at % (t.length + 1) : 0;
        t = 'text' in m ? t.slice(0, at) + m.text + t.slice(at) : t.slice(0, at) + t.slice(at + m.len);
      }
      assertSame(t);
    }),
    { numRuns: 400, seed: 20261126 },
  );
});

test('validateParsed leaves dockerfile-ast as it found it, also when the validator throws', () => {
  const parse = DockerfileParser.parse;
  validateParsed(buildContext('FROM alpine:3.20\nRUN echo hi\n', settings, {}, () => {}));
  assert.equal(DockerfileParser.parse, parse);
  // dockerfile-ast recurses without end on this shape (found by the fuzz test).
  const broken = '##\n#\tnow="$(date)"; \\\n\tarch="$(dpkg --print-architecture)"; arch="${arch##*-}"; \\\n\turl=; \\\n';
  assert.throws(() => validateParsed(buildContext(broken, settings, {}, () => {})));
  assert.equal(DockerfileParser.parse, parse);
  // Other texts still parse as themselves.
  assert.equal(DockerfileParser.parse('FROM a\n').getInstructions().length, 1);
});
