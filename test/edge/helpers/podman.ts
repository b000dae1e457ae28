// A private Podman for tests: Debian's podman, conmon and libsubid4 packages fetched with
// `apt-get download` and unpacked into a cache directory, never installed. Installed, podman would
// be on every lab device's PATH (they share the host's file system), so every device probe would
// run `podman info` and the devices would no longer be Docker-only; unpacked, it runs only where
// a test asks, with its own storage (vfs), run directory, registries.conf and signature policy.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGES = ['podman', 'conmon', 'libsubid4'];
const CACHE = process.env.PIER_TEST_PODMAN_DIR || join(tmpdir(), 'pier-test-podman');

/** A Podman that runs from the unpacked packages with storage of its own. */
export interface TestPodman {
  version: string;
  /** The argv to run `podman <args>` with this Podman's global options, in a network namespace when given. */
  argv(args: readonly string[], netns?: string): { file: string; args: string[]; env: NodeJS.ProcessEnv };
  run(args: readonly string[], netns?: string): Promise<{ stdout: string; stderr: string }>;
  /** Remove its storage. */
  dispose(): void;
}

/** Why a private Podman cannot be had here, or undefined when it can. */
export function podmanSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (the lab and rootful podman need root)';
  if (!existsSync(join(CACHE, 'root', 'usr', 'bin', 'podman')) && !existsSync('/usr/bin/apt-get')) return 'apt-get is not available to fetch the podman package';
  return undefined;
}

async function unpack(): Promise<string> {
  const root = join(CACHE, 'root');
  if (existsSync(join(root, 'usr', 'bin', 'podman')) && existsSync(join(root, 'usr', 'bin', 'conmon'))) return root;
  const debs = join(CACHE, 'debs');
  mkdirSync(debs, { recursive: true });
  // apt-get download writes into the current directory.
  await run('apt-get', ['download', ...PACKAGES], { cwd: debs, timeout: 300_000 }).catch(async () => {
    await run('apt-get', ['-q', 'update'], { timeout: 300_000 });
    await run('apt-get', ['download', ...PACKAGES], { cwd: debs, timeout: 300_000 });
  });
  const staging = mkdtempSync(join(CACHE, 'staging-'));
  for (const f of readdirSync(debs).filter((n) => n.endsWith('.deb'))) await run('dpkg-deb', ['-x', join(debs, f), staging]);
  rmSync(root, { recursive: true, force: true });
  await run('mv', [staging, root]);
  return root;
}

/** Fetch and unpack Podman when needed, and give it fresh storage under `dir`. */
export async function privatePodman(dir = mkdtempSync(join(tmpdir(), 'pier-podman-'))): Promise<TestPodman> {
  const root = await unpack();
  const policy = join(dir, 'policy.json');
  const registries = join(dir, 'registries.conf');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  writeFileSync(registries, 'unqualified-search-registries = []\n');
  const global = ['--conmon', join(root, 'usr', 'bin', 'conmon'), '--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'), '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs'];
  const env = { ...process.env, LD_LIBRARY_PATH: join(root, 'usr', 'lib', process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu'), CONTAINERS_REGISTRIES_CONF: registries, CONTAINERS_POLICY_JSON: policy, TMPDIR: join(dir, 'tmp') };
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const argv = (args: readonly string[], netns?: string) => {
    const podman = [join(root, 'usr', 'bin', 'podman'), ...global, ...args];
    return netns ? { file: 'ip', args: ['netns', 'exec', netns, ...podman], env } : { file: podman[0], args: podman.slice(1), env };
  };
  const runIt = async (args: readonly string[], netns?: string) => {
    const a = argv(args, netns);
    return run(a.file, a.args, { env: a.env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  };
  const version = (await runIt(['version', '--format', '{{.Client.Version}}'])).stdout.trim();
  return { version, argv, run: runIt, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
