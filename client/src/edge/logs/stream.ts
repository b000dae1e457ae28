// The reconnecting log stream. It follows one container, or every container of a Compose project
// interleaved by time, over the device's one SSH connection, and survives what ends a plain
// `docker logs -f`: a lost link (it waits for the connection to come back), a restart of the
// container (it waits for it to run again) and a replaced container (a new ID under the same
// name). Each time it follows again from a little before the last timestamp it delivered and drops
// the boundary duplicates, so the sequence it delivers has no gap and no repeat. What happened is
// told inline as state entries between the lines.

import { setMaxListeners } from 'node:events';
import type { RuntimeInfo } from '../devices/probe';
import type { SshConnection } from '../ssh/connection';
import { DeviceError, deviceErrors } from '../ssh/errors';
import { RemoteFollow } from './follow';
import type { RawLine } from './lines';
import { TimeMerger } from './merge';
import { ResumeTracker } from './resume';
import { checkLogRuntime, isNoSuchContainer, logsArgv, type ContainerFacts, type LogsQuery } from './runtime';
import { inspectContainers, projectContainers, resolveTarget } from './target';
import { clockTime } from './timestamp';
import type { LogEntry, LogLine, LogState, LogStateKind, LogStreamEnd, LogStreamName, LogTarget } from './types';

/** Options of a log stream. */
export interface LogStreamOptions {
  conn: SshConnection;
  runtime: RuntimeInfo;
  target: LogTarget;
  /** Keep following (default true); false reads what is there and ends. */
  follow?: boolean;
  /** `--since` of the first follow (a duration such as 10m, RFC 3339, or Unix seconds). */
  since?: string;
  /** Lines from the end to start with (first follow only). */
  tail?: number;
  signal?: AbortSignal;
  /** Entries in order, in batches; called synchronously from the stream's reads. */
  onEntries(entries: LogEntry[]): void;
  /** How far before the last timestamp a follow starts again (default 1 s). */
  resumeMarginMs?: number;
  /** Backoff between tries while the device is away (default 250 ms doubling to 5 s). */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Compose: longest a line waits for the other containers (default 100 ms). */
  mergeHoldMs?: number;
  /** Compose: how often to look for new containers of the project (default 10 s). */
  rescanMs?: number;
  /** Longest line kept, in characters. */
  maxLine?: number;
}

interface Slot {
  /** Container name: a replacement keeps it, so the slot follows the app, not one ID. */
  key: string;
  /** The connection the slot's follows run on. */
  lane: Lane;
  facts: ContainerFacts;
  tracker: ResumeTracker;
  follow?: RemoteFollow;
  /** The container the first query (since/tail) is for; undefined for one found later. */
  firstId?: string;
}

/** A connection follows run on, and how many slots use it. */
interface Lane {
  conn: SshConnection;
  used: number;
  cap: number;
  own: boolean;
}

/**
 * A follow holds a session channel for as long as it runs, and a connection opens only a few
 * (6 by default; sshd's MaxSessions is 10). So at most this many follows run on the shared
 * connection, which keeps the rest for commands (the stream's own inspects, deploys, probes);
 * further containers of a Compose project get connections of their own, this many follows each.
 */
export const SHARED_CONNECTION_FOLLOWS = 2;
/** Follows per extra connection of a stream (one channel of its limit stays spare). */
export const FOLLOWS_PER_CONNECTION = 5;

const RUNTIME_DOWN = /cannot connect to the (docker|podman)|is the docker daemon running|connection refused|dial unix/i;

/** A log stream; `run` resolves when it ends (aborted, or all read without follow). */
export class LogStream {
  private readonly slots = new Map<string, Slot>();
  private readonly running = new Set<Promise<void>>();
  private readonly merger: TimeMerger | undefined;
  private readonly follow: boolean;
  private readonly margin: number;
  private readonly signal: AbortSignal;
  private readonly abort = new AbortController();
  private status: LogStateKind = 'connecting';
  private reconnecting: Promise<void> | undefined;
  private lostAt: number | undefined;
  private paused = false;
  private fatal: Error | undefined;
  private delivered = 0;
  private compose = false;
  private retiredDuplicates = 0;
  private readonly lanes: Lane[];

  constructor(private readonly o: LogStreamOptions) {
    this.follow = o.follow ?? true;
    this.margin = o.resumeMarginMs ?? 1000;
    const outer = o.signal;
    if (outer) {
      if (outer.aborted) this.abort.abort();
      else outer.addEventListener('abort', () => this.abort.abort(), { once: true });
    }
    this.signal = this.abort.signal;
    // Every follow and every wait of every container listens to it while it runs.
    setMaxListeners(0, this.signal);
    this.lanes = [{ conn: o.conn, used: 0, cap: SHARED_CONNECTION_FOLLOWS, own: false }];
    this.merger = o.target.kind === 'container' ? undefined : new TimeMerger((e) => this.o.onEntries(e), { holdMs: o.mergeHoldMs });
  }

  /** Stop reading from the device until `resume` (the SSH window pushes back on the runtime). */
  pause(): void {
    this.paused = true;
    for (const s of this.slots.values()) s.follow?.pause();
  }

  /** Read again after `pause`. */
  resume(): void {
    this.paused = false;
    for (const s of this.slots.values()) s.follow?.resume();
  }

  /** Follow until aborted (or, without follow, until everything was read). Never rejects. */
  async run(): Promise<LogStreamEnd> {
    const o = this.o;
    const bad = checkLogRuntime(o.runtime);
    if (bad) return this.end('failed', deviceErrors.config(o.conn.target.name, bad));
    this.state('connecting', `connecting to ${o.conn.target.name}`);
    try {
      await o.conn.connect(this.signal);
      const t = await resolveTarget(o.conn, o.runtime, o.target, this.signal);
      this.compose = t.kind === 'compose';
      for (const c of t.containers) this.startSlot(c, true);
      if (this.compose && this.follow) this.track(this.rescan(t.name));
      while (this.running.size && !this.signal.aborted) await Promise.race(this.running);
    } catch (e) {
      if (!this.signal.aborted) this.fatal ??= e as Error;
    }
    this.merger?.close();
    if (this.fatal) return this.end('failed', this.fatal);
    return this.end(this.signal.aborted ? 'aborted' : 'ended');
  }

  /** Connections the stream's follows run on (the shared one first); for tests and diagnostics. */
  get connections(): number {
    return this.lanes.length;
  }

  private end(reason: LogStreamEnd['reason'], error?: Error): LogStreamEnd {
    if (error) this.state('failed', error.message);
    this.abort.abort();
    // Closing an extra connection ends its follows' sessions on the device too.
    for (const l of this.lanes) if (l.own) l.conn.close();
    return { reason, lines: this.delivered, duplicatesDropped: [...this.slots.values()].reduce((n, s) => n + s.tracker.duplicates, 0) + this.retiredDuplicates, error };
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e) => {
      // A failure that reconnecting cannot help (auth, host key, a runtime error) ends the stream.
      if (!this.signal.aborted) {
        this.fatal ??= e as Error;
        this.abort.abort();
      }
    });
    this.running.add(q);
    void q.finally(() => this.running.delete(q));
  }

  private startSlot(facts: ContainerFacts, initial: boolean): void {
    if (this.slots.has(facts.name)) return;
    // Containers found at the start get since/tail; lines of one found later are all new.
    const slot: Slot = { key: facts.name, lane: this.lane(), facts, tracker: new ResumeTracker(), firstId: initial ? facts.id : undefined };
    this.slots.set(slot.key, slot);
    this.track(this.runSlot(slot));
  }

  /** The first connection with room for one more follow; a new one when all are full. */
  private lane(): Lane {
    let l = this.lanes.find((x) => x.used < x.cap);
    if (!l) {
      l = { conn: this.o.conn.sibling({ maxChannels: FOLLOWS_PER_CONNECTION + 1 }), used: 0, cap: FOLLOWS_PER_CONNECTION, own: true };
      this.lanes.push(l);
    }
    l.used++;
    return l;
  }

  /** What to ask the runtime for: the resume point, the first query, or a new container's whole log. */
  private query(slot: Slot): LogsQuery {
    if (slot.tracker.seen) return { follow: this.follow, since: slot.tracker.since(this.margin) };
    if (slot.facts.id === slot.firstId) return { follow: this.follow, since: this.o.since, tail: this.o.tail };
    return { follow: this.follow };
  }

  private async runSlot(slot: Slot): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      const q = this.query(slot);
      slot.tracker.restart();
      this.merger?.start(slot.key);
      const f = new RemoteFollow(slot.lane.conn, logsArgv(this.o.runtime, slot.facts.id, q), {
        signal: this.signal,
        maxLine: this.o.maxLine,
        onLines: (stream, lines) => this.lines(slot, stream, lines),
        onOpen: () => this.opened(slot),
      });
      slot.follow = f;
      if (this.paused) f.pause();
      const started = Date.now();
      const end = await f.run();
      slot.follow = undefined;
      if (this.signal.aborted) return;
      // Something that ends again and again at once must not spin.
      failures = Date.now() - started < 2000 ? failures + 1 : 0;
      if (end.kind === 'lost') {
        if (!end.error.retryable) throw end.error;
        await this.reconnect(failures);
        continue;
      }
      const said = end.messages.join(' / ');
      if (end.code !== 0) {
        if (isNoSuchContainer(said)) {
          if ((await this.awaitRunning(slot)) === 'gone') return;
          continue;
        }
        if (RUNTIME_DOWN.test(said)) {
          await this.pauseFor(failures);
          continue;
        }
        throw new DeviceError('command-failed', this.o.conn.target.name, `${this.o.runtime.name} logs of ${slot.key} failed on ${this.o.conn.target.name} (exit ${end.code})${said ? `: ${said}` : ''}`);
      }
      if (!this.follow) return;
      const next = await this.awaitRunning(slot);
      if (next === 'gone') return;
      if (next === 'same' && failures > 1) await this.pauseFor(failures);
    }
  }

  /**
   * The follow ended (the container stopped, or vanished): wait until a container of this name
   * runs again. 'same' when it never stopped, 'restarted' when it runs again (maybe as a new
   * container), 'gone' when the slot ends (aborted, removed from its project, or not following).
   */
  private async awaitRunning(slot: Slot): Promise<'same' | 'restarted' | 'gone'> {
    const o = this.o;
    let told = false;
    for (let attempt = 0; !this.signal.aborted; attempt++) {
      let facts: ContainerFacts | undefined;
      try {
        [facts] = await inspectContainers(o.conn, o.runtime, [slot.key], this.signal);
      } catch (e) {
        if (!(e instanceof DeviceError) || !e.retryable) throw e;
        await this.reconnect(attempt);
        continue;
      }
      const same = facts?.id === slot.facts.id;
      if (facts?.running) {
        if (same && facts.startedAt === slot.facts.startedAt && !told) return 'same';
        slot.facts = facts;
        if (!same) {
          this.retiredDuplicates += slot.tracker.duplicates;
          slot.tracker = new ResumeTracker();
        }
        this.state('restarted', same ? `${slot.key} restarted` : `${slot.key} was replaced: new container ${facts.id.slice(0, 12)}`, slot);
        return 'restarted';
      }
      if (!this.follow) return 'gone';
      if (!told) {
        told = true;
        const msg = !facts
          ? `${slot.key} is gone; waiting for a container of that name`
          : `${slot.key} ${facts.status === 'restarting' ? 'is restarting' : `exited${facts.exitCode !== undefined ? ` (code ${facts.exitCode})` : ''}`}; waiting for it to start again`;
        this.state(!facts ? 'waiting' : 'stopped', msg, slot);
      }
      if (!facts && this.compose && attempt > 0 && !(await this.stillInProject(slot))) {
        this.state('removed', `${slot.key} was removed from the project`, slot);
        this.retiredDuplicates += slot.tracker.duplicates;
        this.slots.delete(slot.key);
        slot.lane.used--;
        this.merger?.remove(slot.key);
        return 'gone';
      }
      await this.pauseFor(attempt, 250, 2000);
    }
    return 'gone';
  }

  private async stillInProject(slot: Slot): Promise<boolean> {
    const t = this.o.target;
    const project = slot.facts.project ?? (t.kind === 'compose' ? t.project : t.ref);
    const now = await projectContainers(this.o.conn, this.o.runtime, project, undefined, this.signal).catch(() => undefined);
    return !now || now.some((c) => c.name === slot.key);
  }

  /** Compose: containers that join the project later (scaled, added services) are followed too. */
  private async rescan(project: string): Promise<void> {
    const every = this.o.rescanMs ?? 10_000;
    const services = this.o.target.kind === 'compose' ? this.o.target.services : undefined;
    while (!this.signal.aborted) {
      await sleep(every, this.signal);
      if (this.signal.aborted || this.reconnecting) continue;
      const found = await projectContainers(this.o.conn, this.o.runtime, project, services, this.signal).catch(() => []);
      for (const c of found) if (!this.slots.has(c.name) && c.running) this.startSlot(c, false);
    }
  }

  /** The link or channel broke: one shared wait until the device answers again. */
  private reconnect(failures: number): Promise<void> {
    if (this.reconnecting) return this.reconnecting;
    this.lostAt ??= Date.now();
    if (this.status !== 'reconnecting') this.state('reconnecting', `connection to ${this.o.conn.target.name} lost; reconnecting since ${clockTime(this.lostAt)}`, undefined, { since: this.lostAt });
    this.reconnecting = (async () => {
      if (failures > 0) await this.pauseFor(failures);
      for (let attempt = 0; !this.signal.aborted; attempt++) {
        try {
          await this.o.conn.connect(this.signal);
          return;
        } catch (e) {
          if (this.signal.aborted) return;
          if (!(e instanceof DeviceError) || !e.retryable) throw e;
          await this.pauseFor(attempt);
        }
      }
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  private pauseFor(attempt: number, first?: number, max?: number): Promise<void> {
    const r = this.o.retry ?? {};
    const a = first ?? r.initialDelayMs ?? 250;
    const b = max ?? r.maxDelayMs ?? 5000;
    return sleep(Math.min(b, a * 2 ** Math.min(attempt, 20)), this.signal);
  }

  private opened(slot: Slot): void {
    if (this.status === 'live') return;
    const resumed = this.lostAt !== undefined;
    const from = slot.tracker.since(0);
    this.lostAt = undefined;
    this.state('live', resumed ? `live again${from ? `, resumed from ${from.slice(11, 23)} device time` : ''}` : `live: ${this.compose ? 'following the project' : `following ${slot.key}`}`, undefined, resumed && from ? { resumedFrom: from } : {});
  }

  private lines(slot: Slot, stream: LogStreamName, raw: RawLine[]): void {
    const out: LogLine[] = [];
    const short = slot.facts.id.slice(0, 12);
    for (const r of raw) {
      if (!slot.tracker.accept(stream, r.ts!)) continue;
      const line: LogLine = { kind: 'line', ts: r.ts!, stream, text: r.text, container: short, name: slot.key };
      if (slot.facts.service) line.service = slot.facts.service;
      if (r.truncated) line.truncated = r.truncated;
      out.push(line);
    }
    if (!out.length) return;
    this.delivered += out.length;
    if (this.merger) this.merger.push(slot.key, out);
    else this.o.onEntries(out);
  }

  private state(state: LogStateKind, message: string, slot?: Slot, extra: Partial<LogState> = {}): void {
    if (!slot) this.status = state;
    const e: LogState = { kind: 'state', state, at: Date.now(), message, ...extra };
    if (slot) {
      e.container = slot.key;
      if (slot.facts.service) e.service = slot.facts.service;
    }
    if (this.merger) this.merger.state(e);
    else this.o.onEntries([e]);
  }
}

/** Follow logs until the signal aborts (or, without follow, until read); see `LogStream`. */
export function followLogs(o: LogStreamOptions): { stream: LogStream; done: Promise<LogStreamEnd> } {
  const stream = new LogStream(o);
  return { stream, done: stream.run() };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
