import { posix } from 'node:path';
import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';
import { serviceMounts } from '../service-parts';

// Host paths that give a container the keys to the device (exact paths, not their subfolders:
// /etc/localtime or /sys/class/gpio are everyday edge mounts).
const SENSITIVE: Record<string, string> = {
  '/': 'the whole host file system',
  '/etc': "the host's configuration, passwords and SSH host keys",
  '/etc/shadow': "the host's password hashes",
  '/etc/sudoers': "the host's sudo rules",
  '/etc/ssh': "the host's SSH configuration and host keys",
  '/root': "root's home, with its SSH keys",
  '/root/.ssh': "root's SSH keys",
  '/proc': "the host's process table and kernel settings",
  '/sys': "the host's kernel and device settings",
  '/boot': "the device's boot partition and kernel",
  '/dev': 'every device of the host',
  '/var/run': "the host's runtime sockets, including the container engine's",
  '/run': "the host's runtime sockets, including the container engine's",
  '/var/lib/docker': "every container's and image's files",
};

export default defineRule<ComposeContext>({
  id: 'sensitive-host-mount',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'Mounting /, /etc, /root, /proc, /sys, /boot, /dev or /var/run into a container lets it read secrets of, or rewrite, the device itself.',
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const m of serviceMounts(ctx, svc)) {
        if (m.type !== 'bind' || !m.source || !m.complete || !m.source.startsWith('/')) continue;
        const p = posix.normalize(m.source).replace(/(.)\/$/, '$1');
        const what = SENSITIVE[p];
        if (!what) continue;
        ctx.report({
          range: ctx.range(m.node),
          message: `Service \`${svc.name}\` mounts ${p} from the host, exposing ${what}${m.readOnly ? ' (read-only still lets it read them)' : ''}; mount only the file or folder it needs.`,
        });
      }
    }
  },
});
