// The whole-stream compressors of a streamed deploy: xz -0 on every core and GNU gzip, each as one
// process fed as the archive flows. What comes out must decompress to exactly what went in, and a
// failing input must fail the output rather than end it as if complete.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { gzipProcessStream, hostHasXz, xzProcessStream } from '../../client/src/edge/ship/compress';

const input = Buffer.concat([randomBytes(300_000), Buffer.from('layer text\n'.repeat(200_000)), randomBytes(1000)]);
const chunks = () => Readable.from((function* () {
  for (let i = 0; i < input.length; i += 65_536) yield input.subarray(i, i + 65_536);
})());

async function collect(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

test('xz -0 over the stream decompresses to the same bytes, and is far smaller on text', { skip: !hostHasXz() && 'no xz on this host' }, async () => {
  const xz = await collect(xzProcessStream(chunks())!);
  const back = spawnSync('xz', ['-d', '-c'], { input: xz, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(back.status, 0);
  assert.ok(back.stdout.equals(input));
  assert.ok(xz.length < input.length / 3, `${xz.length} of ${input.length}`);
});

test('gzip over the stream decompresses to the same bytes', async () => {
  const r = gzipProcessStream(chunks());
  assert.ok(r, 'GNU gzip is part of Debian');
  assert.ok(gunzipSync(await collect(r)).equals(input));
});

test('a failing input fails the compressed output instead of ending it', { skip: !hostHasXz() && 'no xz on this host' }, async () => {
  const bad = new Readable({ read() {} });
  const out = xzProcessStream(bad)!;
  bad.push(randomBytes(1000));
  setImmediate(() => bad.destroy(new Error('export failed')));
  await assert.rejects(collect(out), /export failed/);
  assert.equal(hostHasXz('/nonexistent/xz'), false);
  assert.equal(xzProcessStream(chunks(), { bin: '/nonexistent/xz' }), undefined);
});
