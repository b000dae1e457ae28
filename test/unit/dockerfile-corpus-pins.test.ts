// Every finding (range, message, severity, fixes) on a few real Dockerfiles, and the count of each
// rule's findings over the whole corpus, pinned: a change to how the analysis is computed (its
// speed work above all) must not change what it reports. A rule change that means to change these
// updates dockerfile-corpus-pins.json on purpose, with the reviewed findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile } from '../../server/src/analysis/dockerfile/analyze';
import { clearShellCache } from '../../server/src/analysis/dockerfile/shell';
import { corpusFiles } from '../corpus-files';

const pins = JSON.parse(readFileSync(join(__dirname, 'dockerfile-corpus-pins.json'), 'utf8')) as {
  files: Record<string, unknown[]>;
  totals: Record<string, number>;
};
const corpus = corpusFiles('dockerfile');
const analyze = (text: string) => JSON.parse(JSON.stringify(analyzeDockerfile(text, { files: { dockerignore: null } }))) as unknown[];

test('corpus pins: every finding on the pinned files, cold and warm', () => {
  for (const [name, expected] of Object.entries(pins.files)) {
    const file = corpus.find((f) => f.name === name);
    assert.ok(file, `${name} is in the corpus`);
    clearShellCache();
    assert.deepEqual(analyze(file.text), expected, `${name} (cold)`);
    assert.deepEqual(analyze(file.text), expected, `${name} (warm: shell parses from the cache)`);
  }
});

test('corpus pins: findings per rule and severity over the whole corpus', () => {
  const totals: Record<string, number> = {};
  for (const f of corpus) {
    for (const x of analyzeDockerfile(f.text, { files: { dockerignore: null } })) {
      const key = `${x.rule} ${x.severity}`;
      totals[key] = (totals[key] ?? 0) + 1;
    }
  }
  assert.deepEqual(totals, pins.totals);
});
