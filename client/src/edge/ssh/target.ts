// What the SSH layer needs to reach a device, after ssh_config and settings were resolved, and the
// options shared by every connection of a pool.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyInfo } from './errors';

/** One SSH hop: the device itself or a jump host in front of it. */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Private key files to try, in order; empty means OpenSSH's defaults in ~/.ssh. */
  identityFiles: string[];
  /** Use only the listed identity files (and agent keys matching them), like OpenSSH's IdentitiesOnly. */
  identitiesOnly: boolean;
}

/** A device to connect to: its last hop and the jump hosts before it, first hop first. */
export interface SshTarget extends SshEndpoint {
  /** The name people know the device by; used in messages and as the pool key. */
  name: string;
  jumps: SshEndpoint[];
}

/** Secrets asked from the person, and told back once they proved right (to be kept in SecretStorage). */
export interface SecretPrompts {
  /** An encrypted key's passphrase; `retry` after a wrong one; undefined skips the key. */
  passphrase?(req: { device: string; keyFile: string; retry: boolean }): Promise<string | undefined>;
  /** A password, the last resort; `id` is `user@host:port`; undefined gives up on passwords. */
  password?(req: { device: string; id: string; retry: boolean }): Promise<string | undefined>;
  /** Called when a passphrase decrypted its key or a password was accepted. */
  remember?(kind: 'passphrase' | 'password', id: string, value: string): void | Promise<void>;
  /** Called when a kept secret turned out wrong, so it is dropped. */
  forget?(kind: 'passphrase' | 'password', id: string): void | Promise<void>;
}

/** How to treat host keys. */
export interface HostKeyPolicy {
  /** known_hosts files that are read only (the user's). */
  knownHostsFiles: string[];
  /** Pier's own known_hosts: read, and where keys trusted through Pier are added. */
  pierKnownHostsFile: string;
  /** Asked for a key no file knows; true trusts it (and records it). Absent means refuse. */
  confirmUnknown?(key: HostKeyInfo, device: string): Promise<boolean>;
}

/** Backoff of automatic reconnects. */
export interface ReconnectOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts before the state becomes failed; Infinity keeps trying. */
  maxAttempts: number;
}

/** Everything a pool's connections share. */
export interface SshOptions {
  hostKeys: HostKeyPolicy;
  secrets?: SecretPrompts;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** TCP connect plus handshake, excluding time spent waiting for the person. */
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  reconnect?: Partial<ReconnectOptions>;
  /** Session channels open at once on one connection (sshd's MaxSessions defaults to 10). */
  maxChannels?: number;
  /** Debug lines from the transport, never containing secrets. */
  log?(line: string): void;
}

/** The user's known_hosts files as OpenSSH reads them by default. */
export function defaultKnownHostsFiles(home = homedir()): string[] {
  return [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
}

/** Where Pier keeps the host keys trusted through it. */
export function defaultPierKnownHostsFile(home = homedir()): string {
  const base = process.env.XDG_CONFIG_HOME || join(home, '.config');
  return join(base, 'pier', 'known_hosts');
}

/** OpenSSH's default identity files, tried when none is configured. */
export function defaultIdentityFiles(home = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f));
}
