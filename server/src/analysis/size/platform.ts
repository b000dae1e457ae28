// Platform strings the way the builder compares them: `linux/arm64` and `linux/arm64/v8` are the
// same platform, `linux/arm` means `linux/arm/v7`.

/** A platform in its canonical form (`linux/arm64`, `linux/arm/v7`, `linux/amd64`). */
export function normalizePlatform(p: string): string {
  const parts = p.trim().toLowerCase().split('/').filter(Boolean);
  const os = parts[0];
  let arch: string | undefined = parts[1];
  let variant: string | undefined = parts[2];
  if (!os) return '';
  if (arch === 'aarch64') arch = 'arm64';
  if (arch === 'x86_64' || arch === 'x86-64') arch = 'amd64';
  if (arch === 'armhf') [arch, variant] = ['arm', 'v7'];
  if (arch === 'arm64' && variant === 'v8') variant = undefined;
  if (arch === 'amd64' && variant === 'v1') variant = undefined;
  if (arch === 'arm' && !variant) variant = 'v7';
  return [os, arch, variant].filter(Boolean).join('/');
}

/** True when a platform string names a concrete platform (no build variables left). */
export function isConcretePlatform(p: string | undefined): p is string {
  return !!p && !p.includes('$') && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/i.test(p.trim());
}

/** Whether a published platform serves a wanted one. */
export function platformServes(published: string, wanted: string): boolean {
  return normalizePlatform(published) === normalizePlatform(wanted);
}
