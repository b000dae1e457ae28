// The lab's links: one bridge per lab on the host (10.77.<slot>.1/24), one veth pair per device
// into the device's network namespace, and the link faults tests ask for (cut, heal, rate).

import { run } from './run';
import { labNames, netnsPrefix, parseRate } from './names';
import type { LabDeviceState } from './types';
import { LabError } from './types';

/** Interface names on the host. */
export async function hostLinks(): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show'], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => /^\d+: ([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n);
}

/** Network namespaces on the host. */
export async function netnsList(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list'], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/**
 * Fail with one line when the lab's subnet is already used on this host by something other
 * than the lab's own bridge: an address in it or a route into it.
 */
export async function checkSubnetFree(slot: number): Promise<void> {
  const { bridge, subnet } = labNames(slot);
  const prefix = `10.77.${slot}.`;
  const addrs = await run('ip', ['-o', '-4', 'addr', 'show'], { allowFail: true });
  for (const line of addrs.stdout.split('\n')) {
    const m = /^\d+: (\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\//.exec(line);
    if (m && m[2].startsWith(prefix) && m[1] !== bridge) throw new LabError(`the lab's subnet ${subnet} is already in use on this host (${m[2]} on ${m[1]}); remove it or pick another lab name`);
  }
  const routes = await run('ip', ['-o', '-4', 'route', 'show', 'match', `${prefix}2`], { allowFail: true });
  for (const line of routes.stdout.split('\n')) {
    const dest = line.trim().split(/\s+/)[0];
    if (!dest || dest === 'default' || line.includes(`dev ${bridge} `) || line.endsWith(`dev ${bridge}`)) continue;
    throw new LabError(`the lab's subnet ${subnet} is already routed on this host (${line.trim()}); remove that route or pick another lab name`);
  }
}

/** Create the lab bridge with the host's address on it. */
export async function createBridge(slot: number): Promise<void> {
  const { bridge, hostAddress } = labNames(slot);
  const add = await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'], { allowFail: true });
  if (add.code !== 0) throw new LabError(`cannot create the lab bridge ${bridge}: ${add.stderr.trim()} (does this kernel have bridge support?)`);
  await run('ip', ['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
  await run('ip', ['link', 'set', bridge, 'up']);
}

/** Create a device's namespace and veth pair: the device end becomes eth0 with the device address. */
export async function createDeviceLink(slot: number, dev: LabDeviceState, peer: string): Promise<void> {
  const { bridge } = labNames(slot);
  await run('ip', ['netns', 'add', dev.netns]);
  const add = await run('ip', ['link', 'add', dev.hostVeth, 'type', 'veth', 'peer', 'name', peer], { allowFail: true });
  if (add.code !== 0) throw new LabError(`cannot create the veth pair for ${dev.name}: ${add.stderr.trim()} (does this kernel have veth support?)`);
  await run('ip', ['link', 'set', peer, 'netns', dev.netns]);
  const ns = (args: string[]) => run('ip', ['-n', dev.netns, ...args]);
  await ns(['link', 'set', peer, 'name', 'eth0']);
  await ns(['addr', 'add', `${dev.address}/24`, 'dev', 'eth0']);
  await ns(['link', 'set', 'eth0', 'up']);
  await ns(['link', 'set', 'lo', 'up']);
  await run('ip', ['link', 'set', dev.hostVeth, 'master', bridge]);
  await run('ip', ['link', 'set', dev.hostVeth, 'up']);
}

/** Cut a device's link: its host side goes down, like a pulled cable; open connections stall. */
export async function cutLink(dev: LabDeviceState): Promise<void> {
  await run('ip', ['link', 'set', dev.hostVeth, 'down']);
}

/** Restore a cut link. */
export async function healLink(dev: LabDeviceState): Promise<void> {
  await run('ip', ['link', 'set', dev.hostVeth, 'up']);
}

/**
 * Limit a device's link to `rate` in both directions with a token bucket (the kernel has no
 * netem here, so there is no delay or loss emulation): on the host side for traffic to the
 * device, on the device's eth0 for traffic from it. `off` removes the limit.
 */
export async function setLinkRate(dev: LabDeviceState, rate: string | 'off'): Promise<string | undefined> {
  const ends: Array<{ pre: string[]; link: string }> = [
    { pre: [], link: dev.hostVeth },
    { pre: ['-n', dev.netns], link: 'eth0' },
  ];
  if (rate === 'off') {
    for (const e of ends) await run('tc', [...e.pre, 'qdisc', 'del', 'dev', e.link, 'root'], { allowFail: true });
    return undefined;
  }
  const { rate: norm, bitsPerSecond } = parseRate(rate);
  // A bucket of 1/50 s of traffic (at least a few full frames) keeps the average close to the
  // rate without long bursts; the queue holds 400 ms before tbf drops.
  const burstBytes = Math.max(4096, Math.round(bitsPerSecond / 8 / 50));
  for (const e of ends) {
    const r = await run('tc', [...e.pre, 'qdisc', 'replace', 'dev', e.link, 'root', 'tbf', 'rate', norm, 'burst', String(burstBytes), 'latency', '400ms'], { allowFail: true });
    if (r.code !== 0) throw new LabError(`cannot limit ${dev.name}'s link to ${norm}: ${r.stderr.trim()} (does this kernel have the tbf qdisc?)`);
  }
  return norm;
}

/** Leftovers of lab `name` in `slot` that no state describes: namespaces and host interfaces. */
export async function findLeftovers(name: string, slot: number): Promise<{ netns: string[]; links: string[] }> {
  const { bridge, vethPrefix } = labNames(slot);
  const netns = (await netnsList()).filter((n) => n.startsWith(netnsPrefix(name)));
  const links = (await hostLinks()).filter((l) => l === bridge || new RegExp(`^${vethPrefix}\\d+p?$`).test(l));
  return { netns, links };
}

/** Delete an interface if it exists. */
export async function deleteLink(link: string): Promise<void> {
  await run('ip', ['link', 'del', link], { allowFail: true });
}
