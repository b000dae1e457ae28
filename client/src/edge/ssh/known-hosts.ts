// known_hosts files as OpenSSH writes them: plain and hashed host names, wildcard patterns,
// negation, `[host]:port` for other ports, and the @revoked marker. Reading is forgiving (a
// broken line is skipped); deciding is strict (a mismatch is a changed key, never a new one).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { knownHostsName, type HostKeyInfo } from './errors';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  patterns: string[];
  keyType: string;
  key: Buffer;
}

/** The outcome of checking a presented host key. */
export type HostKeyVerdict =
  | { status: 'known'; file: string }
  | { status: 'unknown' }
  | { status: 'changed'; knownIn: string[] }
  | { status: 'revoked'; file: string };

/** Parse known_hosts text; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift()!.slice(1) as KnownHostEntry['marker'];
    else if (fields[0]?.startsWith('@')) return;
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    // The blob names its own type; a line whose type field disagrees is corrupt.
    if (keyTypeOf(key) !== keyType) return;
    out.push({ file, line: i + 1, marker, patterns: hosts.split(','), keyType, key });
  });
  return out;
}

/** Read and parse several known_hosts files; missing or unreadable files count as empty. */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.flatMap((t, i) => parseKnownHosts(t, files[i]));
}

/** Whether an entry's host patterns name this host (plain, hashed, wildcards, negation). */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName({ host, port });
  let matched = false;
  for (const p of entry.patterns) {
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    const hit = pat.startsWith('|1|') ? hashedMatches(pat, name) : wildcardMatches(pat.toLowerCase(), name.toLowerCase());
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, , salt64, hash64] = pattern.split('|');
  if (!salt64 || !hash64) return false;
  const want = Buffer.from(hash64, 'base64');
  const got = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

function wildcardMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/** Decide on a presented key: known, unknown (no entry for the host), changed or revoked. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', file: revoked.file };
  const forHost = entries.filter((e) => !e.marker && entryMatchesHost(e, host, port));
  const same = forHost.find((e) => e.key.equals(key));
  if (same) return { status: 'known', file: same.file };
  // Any recorded key for this host that differs means the host's identity changed. OpenSSH only
  // calls a different key of the same type "changed"; Pier offers known types first (see
  // preferredHostKeyAlgorithms), so a genuine device presents a known type and any other
  // outcome is refused as well.
  if (forHost.length) return { status: 'changed', knownIn: [...new Set(forHost.map((e) => e.file))] };
  return { status: 'unknown' };
}

/** Host key algorithms to offer, the ones already known for this host first. */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): string[] | undefined {
  const known = new Set(entries.filter((e) => !e.marker && entryMatchesHost(e, host, port)).map((e) => e.keyType));
  if (!known.size) return undefined;
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const algType = (a: string) => (a.startsWith('rsa-sha2') ? 'ssh-rsa' : a);
  return [...all.filter((a) => known.has(algType(a))), ...all.filter((a) => !known.has(algType(a)))];
}

/** The key type named inside an SSH public key blob, or '' when the blob is malformed. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  if (n > 64 || 4 + n > blob.length) return '';
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` and unpadded base64. */
export function keyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The facts about a presented key that a person compares. */
export function hostKeyInfo(host: string, port: number, blob: Buffer): HostKeyInfo {
  return { host, port, keyType: keyTypeOf(blob), fingerprint: keyFingerprint(blob) };
}

/** A known_hosts line for a host and key, plain or hashed like `HashKnownHosts yes`. */
export function formatKnownHostsLine(host: string, port: number, blob: Buffer, hashed = false, salt?: Buffer): string {
  const name = knownHostsName({ host, port });
  let field = name;
  if (hashed) {
    const s = salt ?? createHash('sha1').update(`${Date.now()}${Math.random()}`).digest();
    field = `|1|${s.toString('base64')}|${createHmac('sha1', s).update(name).digest('base64')}`;
  }
  return `${field} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

/** Record a trusted key in a known_hosts file (Pier's own; the user's files are never written). */
export async function appendKnownHost(file: string, host: string, port: number, blob: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const sep = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${sep}${formatKnownHostsLine(host, port, blob)}\n`, { mode: 0o600 });
}
