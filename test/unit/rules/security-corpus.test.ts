// The security rules' findings on the real-world corpus, pinned after review (see each rule's docs
// page): none in the official images except three genuinely untagged FROMs, and the known mistakes
// in the awesome-compose samples. A new finding here is a false positive until shown otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../../server/src/analysis/dockerfile/analyze';
import { corpusFiles } from '../../corpus-files';

const SECURITY = new Set([
  'user-root-final', 'image-untagged', 'image-latest', 'secrets-in-arg-env', 'curl-pipe-shell', 'add-url-without-checksum',
  'sudo', 'chmod-777', 'tls-verification-disabled', 'key-material-copied', 'ssh-in-image', 'untrusted-registry',
]);

test('security rules on the corpus: only the reviewed findings', () => {
  const got: Record<string, number> = {};
  for (const f of corpusFiles('dockerfile')) {
    const official = !f.name.startsWith('docker+awesome-compose/');
    for (const x of analyzeDockerfile(f.text, { files: { dockerignore: null } })) {
      if (!SECURITY.has(x.rule)) continue;
      const key = `${official ? 'official' : 'samples'} ${x.rule} ${x.severity}`;
      got[key] = (got[key] ?? 0) + 1;
      // The only official-image findings: node 0.8-0.11's `FROM buildpack-deps` without a tag.
      if (official) assert.ok(x.rule === 'image-untagged' && /^docker-library\+node\/0\.\d+\/Dockerfile$/.test(f.name), `${f.name}:${x.range.start.line + 1} ${x.rule}: ${x.message}`);
    }
  }
  assert.deepEqual(got, {
    'official image-untagged warning': 3,
    // App samples that run as root (two on Microsoft's .NET images, whose default user is not known here: info).
    'samples user-root-final warning': 22,
    'samples user-root-final info': 2,
    // WasmEdge's installer piped into bash.
    'samples curl-pipe-shell warning': 2,
  });
});
