// `uname -m` to the OCI platform string that image indexes and `--platform` use.

const MACHINE_TO_PLATFORM: Record<string, string> = {
  aarch64: 'linux/arm64',
  arm64: 'linux/arm64',
  aarch64_be: 'linux/arm64',
  armv8l: 'linux/arm/v7', // a 32-bit userland on a 64-bit CPU runs v7 images
  armv7l: 'linux/arm/v7',
  armv7: 'linux/arm/v7',
  armhf: 'linux/arm/v7',
  armv6l: 'linux/arm/v6',
  armv6: 'linux/arm/v6',
  armv5tel: 'linux/arm/v5',
  armv5l: 'linux/arm/v5',
  x86_64: 'linux/amd64',
  amd64: 'linux/amd64',
  i386: 'linux/386',
  i486: 'linux/386',
  i586: 'linux/386',
  i686: 'linux/386',
  riscv64: 'linux/riscv64',
  ppc64le: 'linux/ppc64le',
  s390x: 'linux/s390x',
  mips64: 'linux/mips64le',
  loongarch64: 'linux/loong64',
};

/** The OCI platform for a machine name, or undefined when Pier does not know it. */
export function platformForMachine(machine: string): string | undefined {
  return MACHINE_TO_PLATFORM[machine.trim().toLowerCase()];
}
