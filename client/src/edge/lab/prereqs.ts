// What the lab needs from the host: root, Debian packages, ARM emulation through binfmt_misc,
// and kernel support for namespaces, veths and bridges. Each missing piece is one clear line.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { checkAbort, lastLine, run } from './run';
import { archInfo } from './names';
import type { LabArch, LabProgress } from './types';
import { LabError } from './types';

/** Debian packages and the program of each that tells whether it is installed. */
export const LAB_PACKAGES: ReadonlyArray<{ pkg: string; provides: string }> = [
  { pkg: 'docker.io', provides: '/usr/sbin/dockerd' },
  { pkg: 'containerd', provides: '/usr/bin/containerd' },
  { pkg: 'runc', provides: '/usr/sbin/runc' },
  { pkg: 'openssh-server', provides: '/usr/sbin/sshd' },
  { pkg: 'openssh-client', provides: '/usr/bin/ssh-keygen' },
  { pkg: 'qemu-user-static', provides: '/usr/bin/qemu-aarch64-static' },
  { pkg: 'iproute2', provides: '/usr/sbin/tc' },
  { pkg: 'iptables', provides: '/usr/sbin/iptables' },
  { pkg: 'mmdebstrap', provides: '/usr/bin/mmdebstrap' },
  { pkg: 'arch-test', provides: '/usr/bin/arch-test' },
  { pkg: 'util-linux', provides: '/usr/bin/nsenter' },
];

/** The one line a non-root user gets. */
export const NOT_ROOT_MESSAGE = 'the device lab needs root: it creates network namespaces and starts sshd and dockerd for each device; run it with sudo';

/** Fail unless running as root. */
export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new LabError(NOT_ROOT_MESSAGE);
  if (process.platform !== 'linux') throw new LabError(`the device lab runs on Linux only (this is ${process.platform})`);
}

/** Packages whose program is missing. */
export function missingPackages(): string[] {
  return LAB_PACKAGES.filter((p) => !existsSync(p.provides)).map((p) => p.pkg);
}

function isDebianLike(): boolean {
  try {
    const osr = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osr) && existsSync('/usr/bin/apt-get');
  } catch {
    return false;
  }
}

/**
 * Install missing packages with apt, without questions: `apt-get update` once (a mirror being
 * half-synced for one index is only a warning, since the install may not need that index), then
 * one install that waits for another apt holding the dpkg lock instead of failing.
 */
export async function ensurePackages(o: { install: boolean; signal?: AbortSignal; onProgress?: LabProgress }): Promise<string[]> {
  const missing = missingPackages();
  if (!missing.length) return [];
  if (!o.install || !isDebianLike()) {
    throw new LabError(`the device lab needs these packages: ${missing.join(' ')}${isDebianLike() ? ' (run: apt-get install --no-install-recommends ' + missing.join(' ') + ')' : ' (install them with your distribution\'s package manager)'}`);
  }
  o.onProgress?.(`installing Debian packages: ${missing.join(' ')}`);
  const upd = await run('apt-get', ['-q', '-o', 'DPkg::Lock::Timeout=600', 'update'], { signal: o.signal, allowFail: true, timeoutMs: 600_000 });
  if (upd.code !== 0) o.onProgress?.(`apt-get update reported a problem (trying the install anyway): ${lastLine(upd.stderr)}`);
  checkAbort(o.signal);
  const inst = await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing], {
    signal: o.signal,
    allowFail: true,
    timeoutMs: 1_200_000,
  });
  if (inst.code !== 0) throw new LabError(`installing ${missing.join(' ')} failed: ${lastLine(inst.stderr) || lastLine(inst.stdout)}`);
  const still = missingPackages();
  if (still.length) throw new LabError(`after apt-get install these are still missing: ${still.join(' ')}`);
  return missing;
}

const BINFMT = '/proc/sys/fs/binfmt_misc';

/**
 * Make sure the kernel runs ARM binaries through qemu-user: binfmt_misc mounted and the qemu
 * entries registered and enabled. The entries carry the F flag (the interpreter is opened at
 * registration), so they also work inside the devices' and containers' mount namespaces.
 */
export async function ensureBinfmt(arches: readonly LabArch[], onProgress?: LabProgress): Promise<string[]> {
  const done: string[] = [];
  if (!existsSync(`${BINFMT}/status`)) {
    const m = await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT], { allowFail: true });
    if (m.code !== 0 || !existsSync(`${BINFMT}/status`)) {
      throw new LabError(`this kernel has no binfmt_misc support, so ARM binaries cannot run here (need CONFIG_BINFMT_MISC): ${lastLine(m.stderr)}`);
    }
    done.push('mounted binfmt_misc');
  }
  if (readFileSync(`${BINFMT}/status`, 'utf8').trim() !== 'enabled') {
    writeFileSync(`${BINFMT}/status`, '1');
    done.push('enabled binfmt_misc');
  }
  for (const arch of new Set(arches)) {
    const { qemu } = archInfo(arch);
    const entry = `${BINFMT}/${qemu}`;
    if (!existsSync(entry)) {
      const conf = `/usr/lib/binfmt.d/${qemu}.conf`;
      if (!existsSync(conf)) throw new LabError(`${conf} is missing; reinstall qemu-user-static`);
      const line = readFileSync(conf, 'utf8').split('\n').find((l) => l.startsWith(':'));
      if (!line) throw new LabError(`${conf} has no binfmt entry`);
      try {
        writeFileSync(`${BINFMT}/register`, line);
      } catch (e) {
        throw new LabError(`registering ${qemu} with binfmt_misc failed: ${(e as Error).message}`);
      }
      done.push(`registered ${qemu}`);
    } else if (!/^enabled/m.test(readFileSync(entry, 'utf8'))) {
      writeFileSync(entry, '1');
      done.push(`enabled ${qemu}`);
    }
    const info = readFileSync(entry, 'utf8');
    const flags = /^flags: *(\S*)/m.exec(info)?.[1] ?? '';
    if (!flags.includes('F')) {
      throw new LabError(`the ${qemu} binfmt entry lacks the F flag, so ARM containers cannot find qemu; remove it (echo -1 > ${entry}) and run again`);
    }
    const interp = /^interpreter (.*)$/m.exec(info)?.[1];
    if (interp && !existsSync(interp)) throw new LabError(`the ${qemu} binfmt entry points at ${interp}, which does not exist`);
  }
  if (done.length) onProgress?.(`ARM emulation: ${done.join(', ')}`);
  return done;
}

/** Whether binfmt entries exist and are enabled for these arches (for status). */
export function binfmtReady(arches: readonly LabArch[]): boolean {
  try {
    return arches.every((a) => /^enabled/m.test(readFileSync(`${BINFMT}/${archInfo(a).qemu}`, 'utf8')));
  } catch {
    return false;
  }
}
