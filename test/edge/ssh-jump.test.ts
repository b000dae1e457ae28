// ProxyJump through a second real sshd as bastion: each hop with its own key and host key check,
// the device reached only through the bastion's direct-tcpip channel.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostKeyUnknownError } from '../../client/src/edge/ssh/errors';
import { runRemote } from '../../client/src/edge/ssh/exec';
import { SshPool } from '../../client/src/edge/ssh/pool';
import type { SshTarget } from '../../client/src/edge/ssh/target';
import { startSshd, type TestSshd } from './helpers/sshd';
import { optionsIn, targetFor } from './helpers/target';

describe('jump hosts (ProxyJump) with a real bastion sshd', () => {
  let bastion: TestSshd;
  let device: TestSshd;
  let kh: string;
  before(async () => {
    bastion = await startSshd({ logLevel: 'DEBUG1' });
    device = await startSshd();
    kh = join(device.dir, 'pier_known_hosts');
    await writeFile(kh, `[127.0.0.1]:${bastion.port} ${bastion.hostKey.pub}\n[127.0.0.1]:${device.port} ${device.hostKey.pub}\n`);
  });
  after(async () => {
    await device?.stop();
    await bastion?.stop();
  });

  const throughBastion = (): SshTarget =>
    targetFor(device, { name: 'behind-bastion', jumps: [{ host: '127.0.0.1', port: bastion.port, user: bastion.user, identityFiles: [bastion.clientKey.path], identitiesOnly: true }] });

  it('reaches the device through the bastion', async () => {
    const pool = new SshPool(optionsIn(device.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: kh } }));
    try {
      const out = await runRemote(pool.get(throughBastion()), ['sh', '-c', 'echo "$SSH_CONNECTION"']);
      assert.match(out, new RegExp(` 127\\.0\\.0\\.1 ${device.port}\\n$`));
      assert.match(bastion.log(), new RegExp(`direct-tcpip.*127\\.0\\.0\\.1 port ${device.port}|target 127\\.0\\.0\\.1 port ${device.port}`), 'the bastion opened the tunnel');
      assert.equal(device.log().match(/Accepted publickey/g)?.length, 1);
    } finally {
      pool.closeAll();
    }
  });

  it("checks the bastion's host key too, and names it in the error", async () => {
    const onlyDevice = join(device.dir, 'only_device');
    await writeFile(onlyDevice, `[127.0.0.1]:${device.port} ${device.hostKey.pub}\n`);
    const pool = new SshPool(optionsIn(device.dir, { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: onlyDevice } }));
    try {
      await assert.rejects(runRemote(pool.get(throughBastion()), ['true']), (e: unknown) => {
        assert.ok(e instanceof HostKeyUnknownError, String(e));
        assert.equal(e.key.port, bastion.port);
        assert.match(e.message, /jump host/);
        return true;
      });
    } finally {
      pool.closeAll();
    }
  });
});
