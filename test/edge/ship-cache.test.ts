// The blob cache's cap: least recently used blobs go first, never those of the image being shipped
// nor those pinned by a live process; the cap comes from PIER_CACHE_MAX. The last test prepares
// two real images of the build engine under a tiny cap and ships nothing: it needs root (the lab's
// build engine) and is skipped loudly otherwise.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildImage } from '../../client/src/edge/build/build';
import { BUILD_SOCKET, ensureBaseImages, ensureBuildEngine } from '../../client/src/edge/lab';
import { BlobCache } from '../../client/src/edge/ship/blob-cache';
import { cacheMaxBytes, DEFAULT_CACHE_MAX_BYTES, evictBlobs, parseSize, pinnedDigests } from '../../client/src/edge/ship/cache-evict';
import { prepareImage } from '../../client/src/edge/ship/prepare';

const root = mkdtempSync(join(tmpdir(), 'pier-ship-cache-'));
const HOUR = 3600_000;
after(() => rmSync(root, { recursive: true, force: true }));

/** A cache holding `n` blobs of `size` bytes, each with a layer record, used 1 h, 2 h, ... ago (oldest last). */
function filledCache(n: number, size: number): { cache: BlobCache; digests: string[]; diffIds: string[] } {
  const cache = new BlobCache(mkdtempSync(join(root, 'c-')));
  const digests: string[] = [];
  const diffIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const digest = cache.putBytes(randomBytes(size));
    const diffId = `sha256:${randomBytes(32).toString('hex')}`;
    cache.putLayer({ diffId, digest, size, uncompressedSize: size, mediaType: 'test', compressor: 'test' });
    const when = new Date(Date.now() - (i + 1) * HOUR);
    utimesSync(cache.blobPath(digest), when, when);
    digests.push(digest);
    diffIds.push(diffId);
  }
  return { cache, digests, diffIds };
}

const present = (cache: BlobCache, d: string) => cache.blobSize(d) !== undefined;

describe('blob cache cap', () => {
  test('sizes and PIER_CACHE_MAX', () => {
    assert.equal(parseSize('5G'), 5 * 1024 ** 3);
    assert.equal(parseSize('500M'), 500 * 1024 ** 2);
    assert.equal(parseSize('750MiB'), 750 * 1024 ** 2);
    assert.equal(parseSize('1.5k'), 1536);
    assert.equal(parseSize('12345'), 12345);
    assert.equal(parseSize('lots'), undefined);
    assert.equal(cacheMaxBytes({}), DEFAULT_CACHE_MAX_BYTES);
    assert.equal(cacheMaxBytes({ PIER_CACHE_MAX: '2G' }), 2 * 1024 ** 3);
    assert.throws(() => cacheMaxBytes({ PIER_CACHE_MAX: 'two gigs' }), /PIER_CACHE_MAX='two gigs' is not a size/);
  });

  test('under the cap nothing goes; over it, the least recently used go first until it fits', () => {
    const { cache, digests, diffIds } = filledCache(5, 1000);
    const none = evictBlobs(cache, { maxBytes: 5000 });
    assert.deepEqual(none.evicted, []);
    assert.equal(none.beforeBytes, 5000);
    // digests[4] is the oldest, then [3]: two must go to fit 3000 bytes.
    const r = evictBlobs(cache, { maxBytes: 3000 });
    assert.deepEqual(r.evicted.sort(), [digests[3], digests[4]].sort());
    assert.equal(r.afterBytes, 3000);
    assert.equal(r.overCap, false);
    assert.ok(digests.slice(0, 3).every((d) => present(cache, d)));
    // The records of evicted blobs go with them; the others still read.
    assert.equal(cache.layer(diffIds[4]), undefined);
    assert.equal(readdirSync(join(cache.dir, 'layers')).length, 3);
    assert.equal(cache.layer(diffIds[0])?.digest, digests[0]);
  });

  test('a lookup counts as a use: a layer read just now outlives older unread ones', () => {
    const { cache, digests, diffIds } = filledCache(3, 1000);
    assert.ok(cache.layer(diffIds[2])); // the oldest, now used
    const r = evictBlobs(cache, { maxBytes: 2000, graceMs: 0 });
    assert.deepEqual(r.evicted, [digests[1]]);
    assert.ok(present(cache, digests[2]));
  });

  test("the image being shipped is never evicted, even when it alone is over the cap", () => {
    const { cache, digests } = filledCache(4, 1000);
    const keep = [digests[2], digests[3]]; // the two oldest
    const r = evictBlobs(cache, { maxBytes: 1500, keep });
    assert.deepEqual(r.evicted.sort(), [digests[0], digests[1]].sort());
    assert.ok(keep.every((d) => present(cache, d)));
    assert.equal(r.afterBytes, 2000);
    assert.equal(r.overCap, true);
  });

  test("blobs pinned by a live process stay; a dead process's pin is ignored and removed", async () => {
    const { cache, digests } = filledCache(3, 1000);
    const unpin = cache.pin([digests[2]]);
    // A pin left by a process that has exited.
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid!)));
    writeFileSync(join(cache.dir, 'pins', `${deadPid}-dead.json`), JSON.stringify({ pid: deadPid, digests: [digests[1]] }));
    assert.deepEqual([...pinnedDigests(cache)], [digests[2]]);
    assert.equal(existsSync(join(cache.dir, 'pins', `${deadPid}-dead.json`)), false);
    const r = evictBlobs(cache, { maxBytes: 1000 });
    assert.deepEqual(r.evicted.sort(), [digests[0], digests[1]].sort());
    assert.ok(present(cache, digests[2]));
    unpin();
    assert.deepEqual([...pinnedDigests(cache)], []);
    assert.deepEqual(evictBlobs(cache, { maxBytes: 0 }).evicted, [digests[2]]);
  });

  test('blobs used within the grace period stay (another process may not have pinned them yet); stale temp files go', () => {
    const { cache, digests } = filledCache(2, 1000);
    const fresh = cache.putBytes(randomBytes(1000));
    const stale = cache.tempPath('layer-raw');
    writeFileSync(stale, 'left by a crash');
    utimesSync(stale, new Date(Date.now() - 48 * HOUR), new Date(Date.now() - 48 * HOUR));
    const live = cache.tempPath('layer-raw');
    writeFileSync(live, 'being written');
    const r = evictBlobs(cache, { maxBytes: 0 });
    assert.deepEqual(r.evicted.sort(), digests.slice().sort());
    assert.ok(present(cache, fresh));
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(live), true);
  });
});

const skip = process.getuid?.() !== 0 ? 'SKIPPED: needs root for the lab build engine' : false;
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

describe('prepare under a tiny cap (build engine)', { skip, timeout: 600_000 }, () => {
  test("preparing an image trims older images' blobs, never its own; an evicted layer comes back with the same digest", async () => {
    await ensureBuildEngine({ onProgress: () => undefined });
    await ensureBaseImages(BUILD_SOCKET, [{ kind: 'busybox', arch: 'arm64' }]);
    const cache = new BlobCache(mkdtempSync(join(root, 'engine-')));
    const build = async (text: string) => {
      const ctx = mkdtempSync(join(root, 'ctx-'));
      writeFileSync(join(ctx, 'app.txt'), text);
      writeFileSync(join(ctx, 'Dockerfile'), 'FROM pier-lab/busybox:arm64\nCOPY app.txt /app.txt\n');
      return (await buildImage({ context: ctx, platform: 'linux/arm64', tag: `pier-test/cache:${randomBytes(4).toString('hex')}` })).imageId;
    };
    const a = await prepareImage(await build(`a ${randomBytes(8).toString('hex')}\n`), { cache, cacheMaxBytes: 1 });
    // Every blob of the image just prepared is there although the cap is 1 byte.
    assert.ok(a.layers.every((l) => present(cache, l.digest)) && present(cache, a.config.digest));
    // Make a's blobs look an hour old (past the grace period), then prepare b under the same cap.
    const old = new Date(Date.now() - HOUR);
    for (const d of [a.config.digest, ...a.layers.map((l) => l.digest)]) utimesSync(cache.blobPath(d), old, old);
    const b = await prepareImage(await build(`b ${randomBytes(8).toString('hex')}\n`), { cache, cacheMaxBytes: 1 });
    const aTop = a.layers.at(-1)!;
    assert.equal(b.layers[0].digest, a.layers[0].digest, 'the busybox base layer is shared');
    assert.ok(b.layers.every((l) => present(cache, l.digest)) && present(cache, b.config.digest));
    assert.equal(present(cache, aTop.digest), false, "a's own top layer was evicted");
    assert.equal(present(cache, a.config.digest), false, "a's config was evicted");
    // a again: its top layer is compressed anew and gets the digest it had.
    const again = await prepareImage(a.ref, { cache, cacheMaxBytes: 1 });
    assert.equal(again.exported, true);
    assert.equal(again.manifestDigest, a.manifestDigest);
    assert.ok(present(cache, aTop.digest));
  });
});
