import { defineRule } from '../../engine/types';
import type { DockerfileContext } from '../context';
import { commandsNamed, finalLineage } from '../helpers';
import { unwrap } from '../shell';
import { effectiveCommands, installedPackages, packageName, type ContainerCommand } from '../security-helpers';

/** Packages that ship an SSH daemon. */
const SSH_SERVERS = new Set(['openssh-server', 'openssh-server-pam', 'openssh', 'dropbear', 'dropbear-bin', 'dropbear-run', 'tinysshd', 'tinyssh']);
const DAEMONS = new Set(['sshd', 'dropbear', 'tinysshd']);
const INSTALLERS = ['apt-get', 'apt', 'apk', 'dnf', 'yum', 'microdnf', 'zypper'];

export default defineRule<DockerfileContext>({
  id: 'ssh-in-image',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: 'An SSH daemon in a container is a second door into the device with its own keys to manage; use the device\'s SSH and `docker exec`.',
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return;
    const stages = finalLineage(ctx);
    for (const s of stages) {
      for (const inst of s.instructions) {
        if (inst.getKeyword() !== 'EXPOSE') continue;
        for (const arg of inst.getArguments()) {
          if (!exposesSsh(ctx.resolve(arg.getValue(), inst).value)) continue;
          ctx.report({ range: arg.getRange(), message: 'EXPOSE 22 announces an SSH server in the container: a second way into the device, with its own keys and patches to keep up.' });
        }
      }
    }
    const runs = stages.flatMap((s) => s.runs);
    for (const { cmd } of commandsNamed(ctx, INSTALLERS, runs)) {
      for (const w of installedPackages(cmd)) {
        const name = packageName(w.value);
        if (!SSH_SERVERS.has(name)) continue;
        const hint = name === 'openssh' ? ' (on Alpine `openssh` includes the server; `openssh-client` is enough for ssh and git)' : '';
        ctx.report({ range: w.range, message: `${name} installs an SSH server into the image${hint}; log in through the device's own SSH and use docker exec instead.` });
      }
    }
    const { cmd, entrypoint } = effectiveCommands(ctx, final);
    for (const c of [entrypoint, cmd]) {
      if (c && startsSsh(c)) {
        ctx.report({
          range: c.inst.getArgumentsRange() ?? c.inst.getRange(),
          message: `${c.inst.getKeyword()} starts an SSH daemon in the container, a second way into the device with its own keys; use the device's SSH and docker exec.`,
        });
      }
    }
  },
});

/** True for `22`, `22/tcp` and port ranges that include 22 (TCP only). */
function exposesSsh(spec: string): boolean {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(spec.trim());
  if (!m || (m[3] && m[3].toLowerCase() !== 'tcp')) return false;
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return lo <= 22 && 22 <= hi;
}

/** `["/usr/sbin/sshd", "-D"]`, `service ssh start && ...`, `rc-service sshd start`. */
function startsSsh(c: ContainerCommand): boolean {
  const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  if (c.exec) return DAEMONS.has(base(c.words[0] ?? '')) || (base(c.words[0] ?? '') === 'service' && /^sshd?$/.test(c.words[1] ?? ''));
  return c.commands.some((x) => {
    const u = unwrap(x);
    if (DAEMONS.has(u.name)) return true;
    const a = u.args.map((w) => w.value);
    if ((u.name === 'service' || u.name === 'rc-service') && /^sshd?$/.test(a[1] ?? '') && a[2] === 'start') return true;
    return /^\/etc\/init\.d\/(ssh|sshd|dropbear)$/.test(a[0] ?? '') && a[1] === 'start';
  });
}
