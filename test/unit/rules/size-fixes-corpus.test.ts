// Every quick fix the size rules offer on the real Dockerfiles of the corpus is applied, and
// the result must still parse as shell in every RUN and no longer carry that finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusFiles } from '../../corpus-files';
import { analyzeDockerfile } from '../../../server/src/analysis/dockerfile/analyze';
import { buildContext } from '../../../server/src/analysis/dockerfile/context';
import { applyEdits } from '../../../server/src/analysis/engine/edits';
import { resolveSettings } from '../../../server/src/analysis/engine/types';
import { dockerfileRules } from '../../../server/src/analysis/dockerfile/rules';

const FIXABLE = new Set([
  'apt-no-install-recommends', 'apt-lists-not-cleaned', 'apk-no-cache', 'pip-no-cache-dir', 'node-package-cache',
  'yum-cache-not-cleaned', 'dnf-cache-not-cleaned', 'zypper-cache-not-cleaned', 'consecutive-run',
]);

// Only the rules under test run, so the check stays quick however many rules join.
const settings = { rules: Object.fromEntries(dockerfileRules.filter((r) => !FIXABLE.has(r.id)).map((r) => [r.id, 'off' as const])) };
const lint = (text: string) => analyzeDockerfile(text, { settings });

/** RUNs whose script the shell parser rejects. */
function shellErrors(text: string): number {
  const ctx = buildContext(text, resolveSettings(), {}, () => {});
  return ctx.runs.filter((r) => r.shell.error).length;
}

test('size fixes on the corpus keep every RUN parseable and remove their finding', () => {
  let applied = 0;
  for (const f of corpusFiles('dockerfile')) {
    const all = lint(f.text);
    const findings = all.filter((x) => x.fixes?.length);
    const errorsBefore = shellErrors(f.text);
    for (const finding of findings) {
      const fixed = applyEdits(f.text, finding.fixes![0].edits);
      assert.ok(shellErrors(fixed) <= errorsBefore, `${f.name}: fix of ${finding.rule} at line ${finding.range.start.line + 1} broke a RUN:\n${fixed}`);
      const before = all.filter((x) => x.rule === finding.rule).length;
      const after = lint(fixed).filter((x) => x.rule === finding.rule).length;
      assert.ok(after < before, `${f.name}: fix of ${finding.rule} at line ${finding.range.start.line + 1} did not remove the finding`);
      applied++;
    }
  }
  assert.ok(applied >= 10, `expected the corpus to exercise at least 10 fixes, got ${applied}`);
});
