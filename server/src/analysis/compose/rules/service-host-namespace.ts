import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

// Namespace keys and what sharing the host's one exposes.
const KEYS: Array<[string, string]> = [
  ['network_mode', "the host's network: every port it opens is on the device's interfaces, and it sees all traffic"],
  ['pid', "the host's processes: it can see and signal every process on the device"],
  ['ipc', "the host's shared memory and semaphores"],
  ['userns_mode', "the host's user namespace, turning off user remapping"],
  ['uts', "the host's hostname, which it can change"],
  ['cgroup', "the host's cgroup tree"],
];

export default defineRule<ComposeContext>({
  id: 'service-host-namespace',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: "Sharing a host namespace (network, pid, ipc, user, uts, cgroup) removes a wall between the container and the device's own system.",
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const [key, what] of KEYS) {
        const v = svc.str(key);
        if (!v || !v.complete || v.value !== 'host') continue;
        ctx.report({ range: ctx.range(v.node), message: `Service \`${svc.name}\` sets ${key}: host, so it shares ${what}.` });
      }
    }
  },
});
