// A real OpenSSH sshd on 127.0.0.1 for tests: throw-away host and client keys in a temp dir, a
// random free port, readiness awaited on sshd's own "Server listening" line, and a stop by PID
// (both through test/helpers/process.ts).
// Installs Debian's openssh-server when it is missing (tests run as root on CI).

import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ProcessNotReady, startProcess, stopChild, type TestProcess } from '../../helpers/process';

export { freePort, stopChild };

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

/** Make sure sshd, ssh-keygen, ssh-agent and ssh are there; installs the Debian packages if not. */
export function ensureOpenSsh(): void {
  const need = [SSHD, '/usr/bin/ssh-keygen', '/usr/bin/ssh-agent', '/usr/bin/ssh-add', '/usr/bin/ssh'];
  if (need.every((p) => existsSync(p))) return;
  if (!IS_ROOT) throw new Error(`OpenSSH is missing (${need.filter((p) => !existsSync(p)).join(', ')}): install the Debian packages openssh-server and openssh-client, or run the tests as root so they install them`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'openssh-server', 'openssh-client'], { stdio: 'ignore', env });
  if (!need.every((p) => existsSync(p))) throw new Error('openssh-server could not be installed');
}

/**
 * The login user of test devices: a system user with /bin/sh and no home, like a small device's
 * service account. Root is avoided because this machine's root ~/.bashrc runs slow tools on every
 * non-interactive ssh command (bash sources it when started by sshd), which no device does.
 */
const IS_ROOT = process.getuid?.() === 0;

/** As root a dedicated system user; otherwise sshd runs as the current user and serves only it. */
export const TEST_USER = process.env.PIER_TEST_SSH_USER || (IS_ROOT ? 'pier-test' : userInfo().username);

/** Create the test login user once (as root); a no-op when it exists. */
export function ensureTestUser(): void {
  if (!IS_ROOT) return;
  try {
    execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
    return;
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/bin/sh', TEST_USER], { stdio: 'ignore' });
    // useradd locks the password ('!'), and sshd without PAM refuses locked accounts even for
    // keys; '*' means "no password" without the lock.
    execFileSync('usermod', ['-p', '*', TEST_USER], { stdio: 'ignore' });
  }
}

/** Give the test user a password (for password login tests); `undefined` removes it again. */
export function setTestUserPassword(password: string | undefined): void {
  ensureTestUser();
  if (password === undefined) execFileSync('usermod', ['-p', '*', TEST_USER], { stdio: 'ignore' });
  else execFileSync('chpasswd', [], { input: `${TEST_USER}:${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
}

/** A fresh key pair made by ssh-keygen. */
export interface KeyPair {
  path: string;
  pub: string;
}

/** Generate a key pair; a passphrase makes an encrypted key. */
export async function keygen(dir: string, name: string, passphrase = '', type = 'ed25519'): Promise<KeyPair> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', `pier-test-${name}`, '-f', path]);
  return { path, pub: (await readFile(`${path}.pub`, 'utf8')).trim() };
}

/** A running sshd and what a test needs to reach it. */
export interface TestSshd {
  dir: string;
  port: number;
  pid: number;
  user: string;
  hostKey: KeyPair;
  /** Accepted client key, listed in authorized_keys. */
  clientKey: KeyPair;
  authorizedKeys: string;
  /** Everything sshd wrote to stderr (with -e). */
  log(): string;
  stop(): Promise<void>;
}

/** Start an sshd; `authorized` lists extra public keys to accept. */
export async function startSshd(opts: { dir?: string; extraConfig?: string; logLevel?: string; passwordAuth?: boolean } = {}): Promise<TestSshd> {
  ensureOpenSsh();
  ensureTestUser();
  if (IS_ROOT) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'pier-sshd-')));
  // sshd reads authorized_keys as the login user, so the directory must be open to it.
  await chmod(dir, 0o755);
  const hostKey = await keygen(dir, 'host_ed25519');
  const clientKey = await keygen(dir, 'client_ed25519');
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, `${clientKey.pub}\n`, { mode: 0o644 });
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = join(dir, `sshd_config_${port}`);
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.path}`,
        `PidFile ${join(dir, `sshd_${port}.pid`)}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'StrictModes no',
        'UsePAM no',
        `PasswordAuthentication ${opts.passwordAuth ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'AllowTcpForwarding yes',
        'PrintMotd no',
        `LogLevel ${opts.logLevel ?? 'VERBOSE'}`,
        opts.extraConfig ?? '',
      ].join('\n') + '\n',
    );
    let sshd: TestProcess;
    try {
      sshd = await startProcess(SSHD, ['-D', '-e', '-f', config], { ready: /Server listening on 127\.0\.0\.1 port/, timeoutMs: 15_000 });
    } catch (e) {
      // Another process may have taken the port between probing and binding: try another.
      if (e instanceof ProcessNotReady && tries < 3 && /Address already in use/.test(e.log)) continue;
      throw e instanceof ProcessNotReady ? new Error(`sshd did not start:\n${e.log}`) : e;
    }
    return {
      dir,
      port,
      pid: sshd.pid,
      user: TEST_USER,
      hostKey,
      clientKey,
      authorizedKeys,
      log: sshd.log,
      stop: async () => {
        await sshd.stop();
        if (!opts.dir) await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/** A running ssh-agent with its socket. */
export interface TestAgent {
  socket: string;
  add(keyPath: string): Promise<void>;
  stop(): Promise<void>;
}

/** Start ssh-agent in the foreground on a socket in `dir`. */
export async function startAgent(dir: string): Promise<TestAgent> {
  ensureOpenSsh();
  const socket = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  // With -D, ssh-agent prints its environment lines once the socket listens.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ssh-agent did not start')), 10_000);
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ssh-agent exited with ${code}`));
    });
  });
  return {
    socket,
    add: async (keyPath) => {
      await run('ssh-add', ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    },
    stop: () => stopChild(child),
  };
}

/** The SHA256 fingerprint of a public key file as ssh-keygen prints it. */
export async function sshKeygenFingerprint(pubPath: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath]);
  return stdout.split(/\s+/)[1];
}
