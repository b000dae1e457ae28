// Podman pulling from Pier's tunnel registry. The lab's devices run Docker only, so Podman runs on
// the host side of a lab device's network namespace (`ip netns exec`), where the SSH reverse
// tunnel that ssh2's forwardIn opened on the device's loopback is reachable exactly as a Podman
// on the device would reach it. The pull uses the argv Pier sends to a Podman device
// (runtime.ts's pullArgv: by digest, --tls-verify=false). One lab for the file; needs root and
// apt-get (Podman is fetched as a package and unpacked, see helpers/podman.ts); skipped loudly
// otherwise.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildImage } from '../../client/src/edge/build/build';
import { BlobCache } from '../../client/src/edge/ship/blob-cache';
import { prepareImage, type PreparedImage } from '../../client/src/edge/ship/prepare';
import { createTunnelRegistry, type RegistryEvent } from '../../client/src/edge/ship/registry';
import { pullArgv, tagArgv, untagArgv, type ShipRuntime } from '../../client/src/edge/ship/runtime';
import { labTarget } from '../../client/src/edge/ship/targets';
import { forwardIn } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import { useLab } from '../lab/harness';
import { podmanSkipReason, privatePodman, type TestPodman } from './helpers/podman';

const why = podmanSkipReason();
if (why) process.stderr.write(`\n*** SKIPPED: podman pull through the tunnel: ${why} ***\n\n`);
const NAME = 'shippodman';
const lab = useLab({ name: NAME, devices: 1 });
const work = mkdtempSync(join(tmpdir(), 'pier-ship-podman-'));
const cache = new BlobCache(join(work, 'cache'));
const PODMAN: ShipRuntime = { name: 'podman', access: 'direct', version: '4.3.1' };
const big = randomBytes(400_000);

async function variant(text: string): Promise<PreparedImage> {
  const ctx = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(ctx, 'big.bin'), big);
  writeFileSync(join(ctx, 'app.txt'), text);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM pier-lab/busybox:arm64\nCOPY big.bin /data/big.bin\nCOPY app.txt /app.txt\n');
  const r = await buildImage({ context: ctx, platform: 'linux/arm64', tag: `pier-test/podman:${randomBytes(4).toString('hex')}` });
  return prepareImage(r.imageId, { cache });
}

describe('podman pulls through the tunnel registry', { skip: lab.skip || why, timeout: 600_000 }, () => {
  let podman: TestPodman;
  let pool: SshPool;
  let netns: string;

  /** Serve `img` through a reverse tunnel on the device, run Pier's podman pull argv in the device's namespace. */
  async function pullThroughTunnel(img: PreparedImage): Promise<{ ref: string; events: RegistryEvent[] }> {
    const d = lab.device();
    const events: RegistryEvent[] = [];
    const reg = createTunnelRegistry(
      { repository: 'pier/podtest', tag: 'v', manifest: img.manifest, manifestDigest: img.manifestDigest, blobs: [{ digest: img.config.digest, size: img.config.size, bytes: cache.getBytes(img.config.digest) }, ...img.layers.map((l) => ({ digest: l.digest, size: l.size, path: cache.blobPath(l.digest) }))] },
      { onRequest: (e) => events.push(e) },
    );
    const fwd = await forwardIn(pool.get(labTarget(d)), '127.0.0.1', 0, (ch) => reg.accept(ch));
    try {
      const ref = `127.0.0.1:${fwd.port}/pier/podtest@${img.manifestDigest}`;
      const [bin, ...args] = pullArgv(PODMAN, ref);
      assert.equal(bin, 'podman');
      // The image is arm64 and this host is not: say which platform is wanted, as a device would not need to.
      await podman.run([...args.slice(0, 1), '--arch', 'arm64', ...args.slice(1)], netns);
      return { ref, events };
    } finally {
      reg.close();
      await fwd.close();
    }
  }

  before(async () => {
    podman = await privatePodman(mkdtempSync(join(work, 'podman-')));
    pool = new SshPool({ hostKeys: { knownHostsFiles: [], pierKnownHostsFile: lab.device().knownHostsPath }, agentSocket: null });
    netns = lab.handle().state.devices[0].netns;
  });
  after(() => {
    pool?.closeAll();
    podman?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('a first pull by digest takes every blob; the image has the config digest as its ID; tag and untag work', async () => {
    const img = await variant('one\n');
    const { ref, events } = await pullThroughTunnel(img);
    assert.ok(events.every((e) => e.status < 400), JSON.stringify(events));
    const got = new Set(events.filter((e) => e.method === 'GET' && e.path.includes('/blobs/')).map((e) => e.digest));
    for (const l of img.layers) assert.ok(got.has(l.digest), `layer ${l.digest} was fetched`);
    const id = (await podman.run(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
    assert.equal(`sha256:${id}`, img.id);
    const arch = (await podman.run(['image', 'inspect', '--format', '{{.Architecture}}', ref])).stdout.trim();
    assert.equal(arch, 'arm64');
    // Pier names the image, then drops the tunnel name (runtime.ts's argv for podman).
    await podman.run(tagArgv(PODMAN, ref, 'podtest:one').slice(1));
    await podman.run(untagArgv(PODMAN, ref).slice(1));
    const names = (await podman.run(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout;
    assert.match(names, new RegExp(`podtest:one ${id.slice(0, 12)}`));
    assert.doesNotMatch(names, /127\.0\.0\.1:/);
  });

  test('one changed file: podman fetches only the changed layer (and the config); the rest it has', async () => {
    const img = await variant('two\n');
    const { events } = await pullThroughTunnel(img);
    const fetched = events.filter((e) => e.method === 'GET' && e.path.includes('/blobs/') && e.digest !== img.config.digest).map((e) => e.digest);
    assert.deepEqual(fetched, [img.layers.at(-1)!.digest], JSON.stringify(events));
    assert.ok(img.layers.length >= 3);
  });
});
