// One lab device: its files (sshd config, host key, uname shim, boot script), its start inside
// its own network, mount and UTS namespaces, readiness, and its stop by PID.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { machine } from 'node:os';
import { join } from 'node:path';
import { buildCommand, quoteArg } from '../ssh/quote';
import { enginePing, isDockerd, stopPid } from './engine';
import { lastLine, pidAlive, run, startDetached, waitUntil } from './run';
import type { LabDeviceState } from './types';
import { LabError } from './types';

/** Write a device's files into `dev.dir`: host key, sshd config, uname shim, boot script. */
export async function prepareDevice(dev: LabDeviceState, authorizedKey: string): Promise<void> {
  mkdirSync(dev.dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => join(dev.dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `pier-lab-${dev.name}`, '-f', f('ssh_host_ed25519_key')]);
  writeFileSync(f('authorized_keys'), authorizedKey, { mode: 0o600 });
  writeFileSync(f('sshd_config'), sshdConfig(dev));
  writeFileSync(f('hostname'), `${dev.name}\n`);
  writeFileSync(f('daemon.json'), '{}\n');
  const unameBins = uniqueReal(['/usr/bin/uname', '/bin/uname']);
  copyFileSync(unameBins[0], f('uname.real'));
  writeFileSync(f('uname'), unameShim(f('uname.real'), dev.machine), { mode: 0o755 });
  writeFileSync(f('arch'), `#!/bin/sh\necho ${quoteArg(dev.machine)}\n`, { mode: 0o755 });
  const archBins = uniqueReal(['/usr/bin/arch', '/bin/arch']);
  writeFileSync(f('boot.sh'), bootScript(dev, unameBins, archBins));
}

/** The device's sshd: key-only root login on the device address, lab host key, lab authorized key. */
export function sshdConfig(dev: LabDeviceState): string {
  return [
    `ListenAddress ${dev.address}`,
    `Port ${dev.sshPort}`,
    `HostKey ${join(dev.dir, 'ssh_host_ed25519_key')}`,
    `AuthorizedKeysFile ${join(dev.dir, 'authorized_keys')}`,
    'PidFile none',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // The device directory lives under the world-writable temp directory, which StrictModes rejects.
    'StrictModes no',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding yes',
    'GatewayPorts no',
    'X11Forwarding no',
    'MaxStartups 100:30:200',
    'MaxSessions 64',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/** A `uname` that tells the device's ARM machine name wherever the real one tells the host's. */
export function unameShim(real: string, deviceMachine: string): string {
  const host = machine().replace(/[^A-Za-z0-9_]/g, '');
  return [
    '#!/bin/sh',
    '# Pier lab: this device claims an ARM CPU; its kernel is the host\'s.',
    `out=$(${quoteArg(real)} "$@") || exit $?`,
    `printf '%s\\n' "$out" | sed -e ${quoteArg(`s/${host}/${deviceMachine}/g`)}`,
    '',
  ].join('\n');
}

/**
 * The device's init, run by `nsenter --net=... unshare --mount --uts`: a private /run (so the
 * device's docker.sock and sshd state are its own), its hostname and uname, its dockerd in the
 * background, then sshd in the foreground as the device's main process.
 */
export function bootScript(dev: LabDeviceState, unameBins: string[], archBins: string[]): string {
  const d = (name: string) => quoteArg(join(dev.dir, name));
  const dockerd = buildCommand([
    'dockerd',
    '--config-file', join(dev.dir, 'daemon.json'),
    '--data-root', join(dev.dir, 'docker'),
    '--host', 'unix:///var/run/docker.sock',
    '--host', `unix://${dev.engineSocket}`,
    // Like a real device's engine: a docker0 bridge, NAT and published ports. They live in the
    // device's own network namespace, so they go with it at `down`.
    '--ip6tables=false',
    '--storage-driver', 'overlay2',
    // A lab device is thrown away at `down`: give containers 1 s to stop, not 10 s each.
    '--shutdown-timeout', '1',
  ]);
  return [
    'set -e',
    'mount --make-rprivate /',
    'mount -t tmpfs -o mode=0755,size=64m pier-lab-run /run',
    'mkdir -p /run/sshd /run/lock',
    // The device's root has a home of its own: the build machine's dotfiles (a .bashrc that runs
    // pyenv init costs ~3.5 s per SSH command here) must not run on the device.
    'mount -t tmpfs -o mode=0700,size=64m pier-lab-home /root',
    `hostname ${quoteArg(dev.name)}`,
    `mount --bind ${d('hostname')} /etc/hostname`,
    // The engine's data root is a tmpfs of the device's own mount namespace: layers pulled to the
    // device are in it and nowhere else, and they vanish with the device, even after a kill.
    `mkdir -p ${d('docker')}`,
    `mount -t tmpfs -o mode=0711,size=4g pier-lab-docker ${d('docker')}`,
    ...unameBins.map((b) => `mount --bind ${d('uname')} ${quoteArg(b)}`),
    ...archBins.map((b) => `mount --bind ${d('arch')} ${quoteArg(b)}`),
    `${dockerd} >${d('dockerd.log')} 2>&1 &`,
    `echo $! >${d('dockerd.pid')}`,
    `exec /usr/sbin/sshd -D -f ${d('sshd_config')} -E ${d('sshd.log')}`,
    '',
  ].join('\n');
}

function uniqueReal(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) if (existsSync(p)) out.add(realpathSync(p));
  return [...out];
}

/** Start the device's init in its namespaces; resolves with its PID once it runs. */
export async function startDevice(dev: LabDeviceState): Promise<number> {
  const argv = [`--net=/run/netns/${dev.netns}`, '--', 'unshare', '--mount', '--uts', '--propagation', 'private', '--', '/bin/sh', join(dev.dir, 'boot.sh')];
  return startDetached('nsenter', argv, join(dev.dir, 'boot.log'), dev.name);
}

/** The PID of the device's dockerd, once the boot script wrote it. */
export function readDockerdPid(dev: LabDeviceState): number | undefined {
  try {
    const n = Number(readFileSync(join(dev.dir, 'dockerd.pid'), 'utf8').trim());
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Resolve when sshd greets on the device address and the device's engine answers. */
export async function waitDeviceReady(dev: LabDeviceState, signal?: AbortSignal, timeoutMs = 60_000): Promise<void> {
  const why = () => {
    for (const log of ['boot.log', 'sshd.log', 'dockerd.log']) {
      const line = lastLine(readText(join(dev.dir, log)));
      if (line) return `${log}: ${line.slice(0, 240)}`;
    }
    return 'no log output';
  };
  await waitUntil(
    async () => {
      if (!pidAlive(dev.sshdPid)) {
        const sshdLog = readText(join(dev.dir, 'sshd.log'));
        if (/Address already in use/i.test(sshdLog)) throw new LabError(`${dev.name}: port ${dev.sshPort} on ${dev.address} is in use, so its sshd cannot listen (${lastLine(sshdLog)})`);
        throw new LabError(`${dev.name} stopped while starting (${why()})`);
      }
      const dpid = readDockerdPid(dev);
      if (dpid && !pidAlive(dpid)) throw new LabError(`${dev.name}'s dockerd exited (${lastLine(readText(join(dev.dir, 'dockerd.log'))).slice(0, 240)})`);
      const ok = (await sshGreets(dev.address, dev.sshPort)) && (await enginePing(dev.engineSocket, 1000));
      return ok || undefined;
    },
    { timeoutMs, intervalMs: 100, signal, what: `${dev.name} did not come up within ${timeoutMs / 1000} s (${why()})` },
  );
}

/** Whether an SSH server greets on host:port. */
export function sshGreets(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Stop a device by PID: dockerd and sshd get SIGTERM and a moment to exit (the device is thrown
 * away, so nothing waits longer), then every process still belonging to the device gets SIGKILL.
 * Finally the namespace (the veth goes with it) and the files go.
 */
export async function stopDevice(dev: LabDeviceState): Promise<void> {
  const dockerdPid = dev.dockerdPid ?? readDockerdPid(dev);
  const stops: Promise<boolean>[] = [];
  if (dockerdPid && isDockerd(dockerdPid)) stops.push(stopPid(dockerdPid, 1500));
  if (dev.sshdPid && pidAlive(dev.sshdPid) && inNetns(dev.sshdPid, dev.netns)) stops.push(stopPid(dev.sshdPid, 1500));
  await Promise.all(stops);
  for (let round = 0; round < 3; round++) {
    const pids = await devicePids(dev);
    if (!pids.length) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await waitUntil(async () => (pids.every((p) => !pidAlive(p)) ? true : undefined), { timeoutMs: 3000, intervalMs: 20, what: `processes of ${dev.name} did not exit` }).catch(() => undefined);
  }
  await run('ip', ['netns', 'del', dev.netns], { allowFail: true });
  await run('ip', ['link', 'del', dev.hostVeth], { allowFail: true });
  removeTree(dev.dir);
}

/**
 * Every process of a device: those in its network namespace (init, sshd and its sessions,
 * dockerd, containerd, shims, published-port proxies) and those with a mount from the device's
 * directory (its containers, which have network namespaces of their own).
 */
export async function devicePids(dev: LabDeviceState): Promise<number[]> {
  const out = new Set(await netnsPids(dev.netns));
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    if (readText(`/proc/${p}/mountinfo`).includes(`${dev.dir}/`)) out.add(Number(p));
  }
  return [...out];
}

/** PIDs of every process in a named network namespace. */
export async function netnsPids(netns: string): Promise<number[]> {
  if (!existsSync(`/run/netns/${netns}`)) return [];
  const r = await run('ip', ['netns', 'pids', netns], { allowFail: true });
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0 && n !== process.pid);
}

function inNetns(pid: number, netns: string): boolean {
  try {
    const a = statSync(`/proc/${pid}/ns/net`);
    const b = statSync(`/run/netns/${netns}`);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/** Remove a directory tree; a mount still held somewhere gets a second try after a moment. */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (e) {
    throw new LabError(`cannot remove ${dir}: ${(e as Error).message}`);
  }
}
