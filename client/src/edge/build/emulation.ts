// Whether this machine can run the target platform's programs during a build (RUN steps of an
// ARM image on an x86 machine need QEMU registered with binfmt_misc), said before the build
// starts, with the fix and the stages that could cross-compile on the build platform instead.

import { existsSync, readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { analyzeDockerfile } from '../../../../server/src/analysis/dockerfile/analyze';

/** The verdict. */
export interface EmulationCheck {
  /** True when the target runs natively or through a registered, enabled QEMU. */
  ok: boolean;
  /** native | emulated | missing | unknown (a remote engine, or not Linux). */
  how: 'native' | 'emulated' | 'missing' | 'unknown';
  message: string;
  fix?: string;
  /** Stages that compile and could run on the build platform instead (from the emulated-compile rule). */
  crossStages: { line: number; message: string }[];
}

const NODE_TO_OCI: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', riscv64: 'riscv64', ppc64: 'ppc64le', s390x: 's390x' };

/** binfmt_misc entry names and the ELF machines that serve each target architecture. */
const QEMU: Record<string, string[]> = {
  arm64: ['qemu-aarch64'],
  arm: ['qemu-arm'],
  amd64: ['qemu-x86_64'],
  '386': ['qemu-i386'],
  riscv64: ['qemu-riscv64'],
  ppc64le: ['qemu-ppc64le'],
  s390x: ['qemu-s390x'],
};

/** The architecture part of an OCI platform (`linux/arm/v7` -> `arm`). */
export function platformArch(platform: string): string {
  return platform.split('/')[1] ?? platform;
}

/** Read the state of a binfmt_misc entry: enabled, disabled or absent. */
export function binfmtState(name: string, root = '/proc/sys/fs/binfmt_misc'): 'enabled' | 'disabled' | 'absent' {
  const f = `${root}/${name}`;
  if (!existsSync(f)) return 'absent';
  try {
    return /^enabled/m.test(readFileSync(f, 'utf8')) ? 'enabled' : 'disabled';
  } catch {
    return 'absent';
  }
}

/** Whether the (local) build engine can run `platform`, and what to do when it cannot. */
export function checkEmulation(platform: string, o: { dockerfile?: string; hostArch?: string; binfmtRoot?: string; localEngine?: boolean } = {}): EmulationCheck {
  const target = platformArch(platform);
  const host = o.hostArch ?? NODE_TO_OCI[arch()] ?? arch();
  const crossStages = o.dockerfile ? crossCompileStages(o.dockerfile, platform) : [];
  if (target === host || (host === 'arm64' && target === 'arm')) return { ok: true, how: 'native', message: `${platform} runs natively on this ${host} machine`, crossStages: [] };
  if (o.localEngine === false || process.platform !== 'linux') {
    return { ok: true, how: 'unknown', message: `the build engine is not on this Linux machine; whether it can run ${platform} programs is up to it (Docker Desktop ships QEMU)`, crossStages };
  }
  const names = QEMU[target] ?? [`qemu-${target}`];
  const states = names.map((n) => binfmtState(n, o.binfmtRoot));
  if (states.includes('enabled')) return { ok: true, how: 'emulated', message: `${platform} programs run through QEMU (binfmt_misc ${names.join('/')}); RUN steps are several times slower than native`, crossStages };
  const fix = `install QEMU user emulation and register it with binfmt_misc: 'sudo apt-get install qemu-user-static binfmt-support' (Debian/Ubuntu), or 'docker run --privileged --rm tonistiigi/binfmt --install ${target}'${states.includes('disabled') ? `, or enable the existing entry: 'echo 1 | sudo tee /proc/sys/fs/binfmt_misc/${names[0]}'` : ''}`;
  const stages = crossStages.length ? ` Alternatively, these stages could cross-compile on the build platform instead of running under emulation: ${crossStages.map((s) => `line ${s.line + 1}`).join(', ')}.` : '';
  return { ok: false, how: 'missing', message: `this ${host} machine cannot run ${platform} programs (no QEMU registered with binfmt_misc for ${names.join('/')}), so RUN steps of this build will fail with 'exec format error'.${stages}`, fix, crossStages };
}

/** Stages the analysis says compile under emulation and could run on the build platform. */
export function crossCompileStages(dockerfile: string, platform: string): { line: number; message: string }[] {
  return analyzeDockerfile(dockerfile, { settings: { targetPlatforms: [platform] } })
    .filter((f) => f.rule === 'emulated-compile' || f.rule === 'cross-build-host-arch')
    .map((f) => ({ line: f.range.start.line, message: f.message }));
}
