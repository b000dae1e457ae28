// Base images for lab devices, made from Debian packages because no public registry is
// reachable: a tiny busybox image and a Debian bookworm minbase image per arch, tagged
// pier-lab/<kind>:<arch> in the build engine. Root file systems are cached outside the
// repository and rebuilt only when missing.

import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, hasImage } from './engine';
import { archInfo, cacheRoot } from './names';
import { checkAbort, run } from './run';
import type { BaseImageKind, BaseImageRequest, LabArch, LabProgress } from './types';

/** Tag of a base image in the build engine. */
export function baseImageRef(kind: BaseImageKind, arch: LabArch): string {
  return `pier-lab/${kind}:${arch}`;
}

/** Debian's name for an arch. */
function debArch(arch: LabArch): string {
  return arch === 'arm64' ? 'arm64' : 'armhf';
}

/** The Debian mirror for base images: the project's default, or PIER_LAB_MIRROR. */
export function labMirror(): string {
  return process.env.PIER_LAB_MIRROR || 'http://deb.debian.org/debian';
}

/** Dpkg path filters that keep a minbase image near Debian's slim images (no docs, man pages or translations). */
const SLIM_FILTERS = [
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/locale/*',
  'path-include=/usr/share/locale/locale.alias',
];

const MERGED_USR_HOOK = '/usr/share/mmdebstrap/hooks/merged-usr';

const BUSYBOX_DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /etc /root /var/run && chmod 1777 /tmp && echo root:x:0:0:root:/root:/bin/sh > /etc/passwd && echo root:x:0: > /etc/group"]
CMD ["sh"]
`;

const DEBIAN_DOCKERFILE = `FROM scratch
ADD rootfs.tar /
CMD ["bash"]
`;

/** What ensuring one base image did, and how long it took. */
export interface BaseImageReport {
  ref: string;
  /** Whether the image had to be built (false: it was in the engine already). */
  built: boolean;
  /** Whether the root file system had to be made with mmdebstrap (false: taken from the cache). */
  rootfsCreated: boolean;
  rootfsSeconds: number;
  buildSeconds: number;
}

/** The default set: busybox for every arch, Debian for arm64 (the armv7 Debian image only on request). */
export function defaultImageRequests(arches: readonly LabArch[]): BaseImageRequest[] {
  const out: BaseImageRequest[] = [];
  for (const arch of new Set(arches)) {
    out.push({ kind: 'busybox', arch });
    if (arch === 'arm64') out.push({ kind: 'debian', arch });
  }
  return out;
}

/** Make sure each requested base image is in the build engine on `socket`. */
export async function ensureBaseImages(socket: string, requests: readonly BaseImageRequest[], o: { signal?: AbortSignal; onProgress?: LabProgress; rebuild?: boolean } = {}): Promise<BaseImageReport[]> {
  const reports: BaseImageReport[] = [];
  for (const req of requests) {
    checkAbort(o.signal);
    reports.push(await ensureBaseImage(socket, req, o));
  }
  return reports;
}

async function ensureBaseImage(socket: string, req: BaseImageRequest, o: { signal?: AbortSignal; onProgress?: LabProgress; rebuild?: boolean }): Promise<BaseImageReport> {
  const ref = baseImageRef(req.kind, req.arch);
  const report: BaseImageReport = { ref, built: false, rootfsCreated: false, rootfsSeconds: 0, buildSeconds: 0 };
  if (!o.rebuild && (await hasImage(socket, ref))) return report;
  const dir = join(cacheRoot(), `${req.kind}-${req.arch}`);
  mkdirSync(dir, { recursive: true });
  const payload = join(dir, req.kind === 'busybox' ? 'busybox' : 'rootfs.tar');
  if (o.rebuild || !existsSync(payload)) {
    const t0 = performance.now();
    o.onProgress?.(`making the ${req.kind} ${req.arch} root file system from Debian packages (first time only${req.kind === 'debian' ? ': a few minutes under qemu on an idle machine, far longer on a busy one' : ''})`);
    if (req.kind === 'busybox') await makeBusybox(req.arch, payload, o.signal);
    else await makeDebianRootfs(req.arch, payload, o.signal, o.onProgress);
    report.rootfsCreated = true;
    report.rootfsSeconds = (performance.now() - t0) / 1000;
  }
  writeFileSync(join(dir, 'Dockerfile'), req.kind === 'busybox' ? BUSYBOX_DOCKERFILE : DEBIAN_DOCKERFILE);
  const t1 = performance.now();
  o.onProgress?.(`building ${ref} from the cached root file system`);
  await docker(socket, ['build', '--quiet', '--force-rm', '--platform', archInfo(req.arch).platform, '--label', 'pier-lab=base', '--tag', ref, dir], { signal: o.signal, timeoutMs: 600_000 });
  report.built = true;
  report.buildSeconds = (performance.now() - t1) / 1000;
  return report;
}

/** Extract busybox-static for `arch` from its Debian package, into `dest`. */
async function makeBusybox(arch: LabArch, dest: string, signal?: AbortSignal): Promise<void> {
  const tmp = mkdtempSync(join(cacheRoot(), '.busybox-'));
  try {
    const tar = join(tmp, 'pkg.tar');
    await run('mmdebstrap', ['--quiet', '--mode=root', '--variant=extract', `--arch=${debArch(arch)}`, '--include=busybox-static', 'bookworm', tar, labMirror()], { signal, timeoutMs: 600_000 });
    await run('tar', ['-xf', tar, '-C', tmp, './bin/busybox'], { signal });
    renameSync(join(tmp, 'bin', 'busybox'), `${dest}.partial`);
    renameSync(`${dest}.partial`, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Make a Debian bookworm minbase root file system tarball for `arch` at `dest`. */
async function makeDebianRootfs(arch: LabArch, dest: string, signal?: AbortSignal, onProgress?: LabProgress): Promise<void> {
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  try {
    // Merged /usr through mmdebstrap's hook, not the usrmerge package: that package pulls in
    // the full perl (~40 MB) and runs a slow conversion under qemu.
    const hook = existsSync(MERGED_USR_HOOK) ? [`--hook-dir=${MERGED_USR_HOOK}`] : [];
    await run(
      'mmdebstrap',
      ['--mode=root', '--variant=minbase', `--arch=${debArch(arch)}`, ...hook, ...SLIM_FILTERS.map((f) => `--dpkgopt=${f}`), '--format=tar', 'bookworm', partial, labMirror()],
      { signal, timeoutMs: 1_800_000, onStderrLine: (l) => /^I: (running apt-get update|downloading|extracting|installing|cleaning)/.test(l) && onProgress?.(`  mmdebstrap ${arch}: ${l.slice(3)}`) },
    );
    renameSync(partial, dest);
  } finally {
    rmSync(partial, { force: true });
  }
}
