// Small builders for tests: a target for a test sshd and pool options with temp known_hosts files.

import { join } from 'node:path';
import type { SshOptions, SshTarget } from '../../../client/src/edge/ssh/target';
import type { TestSshd } from './sshd';

/** A target for a test sshd, with the accepted client key unless told otherwise. */
export function targetFor(sshd: TestSshd, over: Partial<SshTarget> = {}): SshTarget {
  return {
    name: over.name ?? 'test-device',
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.clientKey.path],
    identitiesOnly: true,
    jumps: [],
    ...over,
  };
}

/** Options with known_hosts files in `dir`, no agent, and short timeouts. */
export function optionsIn(dir: string, over: Partial<SshOptions> = {}): SshOptions {
  return {
    hostKeys: { knownHostsFiles: [join(dir, 'user_known_hosts')], pierKnownHostsFile: join(dir, 'pier_known_hosts'), ...over.hostKeys },
    agentSocket: null,
    connectTimeoutMs: 10_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttempts: 5 },
    ...over,
  };
}
