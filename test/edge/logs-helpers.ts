// Helpers of the log stream's lab tests and benchmark: SSH coordinates of a lab device, the lab's
// busybox image loaded onto the device over an exec channel (`docker save | docker load`), test
// containers started with `docker run` over the SSH layer, and a collector that waits on events.

import { spawn } from 'node:child_process';
import type { LabDeviceAccess } from '../../client/src/edge/lab';
import { BUILD_SOCKET } from '../../client/src/edge/lab';
import type { SshConnection } from '../../client/src/edge/ssh/connection';
import { SshPool } from '../../client/src/edge/ssh/pool';
import { probeDevice, type RuntimeInfo } from '../../client/src/edge/devices/probe';
import { execRemote, runRemote } from '../../client/src/edge/ssh/exec';
import type { SshOptions, SshTarget } from '../../client/src/edge/ssh/target';
import type { LogEntry, LogLine, LogState, LogStateKind } from '../../client/src/edge/logs/types';

/** The SSH target of a lab device. */
export function labTarget(d: LabDeviceAccess): SshTarget {
  return { name: d.name, host: d.host, port: d.port, user: d.user, identityFiles: [d.privateKeyPath], identitiesOnly: true, jumps: [] };
}

/** Pool options for a lab device: the lab's known_hosts, no agent; quick to notice a dead link when asked. */
export function labOptions(d: LabDeviceAccess, over: Partial<SshOptions> = {}): SshOptions {
  return { hostKeys: { knownHostsFiles: [], pierKnownHostsFile: d.knownHostsPath }, agentSocket: null, connectTimeoutMs: 5_000, ...over };
}

/** The lab's busybox image for the device's arch. */
export function busyboxRef(d: LabDeviceAccess): string {
  return `pier-lab/busybox:${d.arch}`;
}

/** Make sure the device engine has an image of the build engine: `docker save` here, `docker load` there. */
export async function ensureDeviceImage(conn: SshConnection, ref: string): Promise<void> {
  const have = await execRemote(conn, ['docker', 'image', 'inspect', '--format', '{{.Id}}', ref]);
  if (have.code === 0) return;
  const save = spawn('docker', ['save', ref], { env: { ...process.env, DOCKER_HOST: `unix://${BUILD_SOCKET}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  save.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const saved = new Promise<number | null>((r) => save.on('close', r));
  const out = await runRemote(conn, ['docker', 'load'], { stdin: save.stdout });
  const code = await saved;
  if (code !== 0) throw new Error(`docker save ${ref} failed: ${err}`);
  if (!out.includes('Loaded image')) throw new Error(`docker load said: ${out}`);
}

/** A pool, a connection and the probed runtime of a lab device, with the lab's busybox image on it. */
export async function openLabDevice(d: LabDeviceAccess): Promise<{ pool: SshPool; conn: SshConnection; rt: RuntimeInfo }> {
  const pool = new SshPool(labOptions(d));
  const conn = pool.get(labTarget(d));
  const rt = (await probeDevice(conn)).runtime!;
  await ensureDeviceImage(conn, busyboxRef(d));
  return { pool, conn, rt };
}

/**
 * A numbered printer for busybox sh: `seq=N` on stdout at RATE lines a second (self-clocked on the
 * shell's own $EPOCHREALTIME, with `read -t` as a sleep that starts no process, so qemu's start-up
 * cost per process does not slow it), `tick=N` on stderr every 100 lines. The count lives in
 * /data/n, so a restarted or replaced container goes on numbering; a stop request (TERM) is only
 * acted on between two lines, so every number printed is also recorded.
 */
export const NUMBERED_PRINTER = `
trap 'stop=1' TERM INT
stop=0
[ -p /tmp/tick ] || mkfifo /tmp/tick
exec 3<>/tmp/tick
n=$(cat /data/n 2>/dev/null || echo 0)
start=$n
t0=\${EPOCHREALTIME/./}
while [ "$stop" = 0 ]; do
  now=\${EPOCHREALTIME/./}
  due=$(( start + (now - t0) * RATE / 1000000 ))
  while [ "$n" -lt "$due" ] && [ "$stop" = 0 ]; do
    n=$((n + 1))
    echo "seq=$n"
    [ $((n % 100)) = 0 ] && echo "tick=$n" >&2
    echo "$n" > /data/n
  done
  read -t 0.002 -u 3 x
done
`;

/**
 * Waits for a fifo to be written (so the stream is live before anything is printed), then prints
 * COUNT lines `seq=N <payload>` as fast as busybox awk can, then sleeps.
 */
export const FLOOD_PRINTER = `
mkfifo /tmp/go
read x < /tmp/go
awk -v n="$COUNT" 'BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"; for (i = 1; i <= n; i++) printf "seq=%d %s\\n", i, p }'
echo "flood done" >&2
exec sleep 3600
`;

/**
 * Waits for its fifo like the flood printer, then prints LINES lines `<line>` (a shell word:
 * `$i` is the number, variables of the container expand) `gapS` seconds apart, then idles. The
 * gap is a \`read -t\` on a fifo nobody writes: a sleep that starts no process.
 */
export function pacedPrinter(line: string, gapS: number): string {
  return `
mkfifo /tmp/go /tmp/tick
exec 3<>/tmp/tick
read x < /tmp/go
i=0
while [ $i -lt "$LINES" ]; do i=$((i + 1)); echo "${line}"; read -t ${gapS} -u 3 x; done
exec sleep 3600
`;
}

/** Start the flood printer's output: write to its fifo. */
export async function triggerFlood(conn: SshConnection, container: string): Promise<void> {
  await runRemote(conn, ['docker', 'exec', container, 'sh', '-c', 'echo go > /tmp/go']);
}

/** What a stream delivered, with waits on it that resolve on events (or fail after a time limit). */
export class Collector {
  readonly entries: LogEntry[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  /** When true, lines are only counted (for floods), not kept. */
  constructor(private readonly keepLines = true) {}
  lines = 0;
  lastLine: LogLine | undefined;
  /** Feed from the stream's onEntries. */
  readonly sink = (es: LogEntry[]): void => {
    for (const e of es) {
      if (e.kind === 'line') {
        this.lines++;
        this.lastLine = e;
        if (this.keepLines) this.entries.push(e);
        this.onLine?.(e);
      } else this.entries.push(e);
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  };
  /** Extra per-line hook (for checks that must not keep lines). */
  onLine?: (l: LogLine) => void;

  /** Resolve when `check` holds (checked after every batch); reject after `ms`. */
  until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; last entries: ${JSON.stringify(this.entries.slice(-5))}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ check, resolve: done });
    });
  }

  /** State entries so far. */
  states(kind?: LogStateKind): LogState[] {
    return this.entries.filter((e): e is LogState => e.kind === 'state' && (!kind || e.state === kind));
  }

  /** Lines kept so far, of one stream. */
  kept(stream?: 'stdout' | 'stderr'): LogLine[] {
    return this.entries.filter((e): e is LogLine => e.kind === 'line' && (!stream || e.stream === stream));
  }
}

/** The numbers of `seq=N` / `tick=N` lines. */
export function numbers(lines: LogLine[], key = 'seq'): number[] {
  const re = new RegExp(`^${key}=(\\d+)`);
  return lines.map((l) => re.exec(l.text)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1]));
}

/** Where a sequence first differs from 1..n (or from the given expectation), for a readable failure. */
export function firstMismatch(got: number[], want: number[]): string | undefined {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) return `at index ${i}: got ${got.slice(Math.max(0, i - 3), i + 4).join(',')} want ${want.slice(Math.max(0, i - 3), i + 4).join(',')}`;
  }
  return undefined;
}
