import { defineRule } from '../../engine/types';
import type { ComposeContext } from '../context';

const UNCONFINED: Array<[RegExp, string]> = [
  [/^seccomp[:=]unconfined$/i, 'turns off the seccomp filter, opening every system call of the kernel'],
  [/^apparmor[:=]unconfined$/i, 'turns off the AppArmor profile that keeps it out of host files'],
  [/^label[:=]disable$/i, 'turns off SELinux labels that keep it out of host files'],
  [/^systempaths[:=]unconfined$/i, 'unmasks /proc and /sys paths the engine normally hides'],
];

export default defineRule<ComposeContext>({
  id: 'security-opt-unconfined',
  meta: {
    category: 'security',
    severity: 'warning',
    fixable: false,
    docs: "seccomp, AppArmor and SELinux confinement are the container's walls against kernel bugs; `unconfined` takes them down for the whole service.",
  },
  check(ctx) {
    for (const svc of ctx.services) {
      for (const item of ctx.yaml.items(svc.get('security_opt'))) {
        const v = ctx.str(item);
        if (!v) continue;
        const hit = UNCONFINED.find(([re]) => re.test(v.value.trim()));
        if (hit) ctx.report({ range: ctx.range(item), message: `Service \`${svc.name}\` sets security_opt ${v.value.trim()}, which ${hit[1]}.` });
      }
    }
  },
});
