// Interleaving the containers of a Compose project by time. Each container's lines arrive in
// order on their own channel, but the channels do not keep step with each other (one dumps ten
// minutes of history while another has not started). A line is held until every other container
// has shown a line at least as late, or until it has waited `holdMs`; containers whose follow just
// started are waited for a little longer, so the history of all of them comes out interleaved.

import type { LogEntry, LogLine } from './types';

interface Held {
  line: LogLine;
  source: string;
  arrival: number;
  order: number;
}

interface Source {
  /** Last timestamp this source delivered. */
  mark?: string;
  /** When its follow started, while it has not delivered a line yet. */
  startedAt?: number;
}

/** Options of a merger; the clock and timers are injectable for tests. */
export interface MergeOptions {
  /** Longest a line waits for slower sources (default 100 ms). */
  holdMs?: number;
  /** Longest the lines wait for a source that just started and has shown nothing (default 1 s). */
  startMs?: number;
  /** Held lines beyond this are let out oldest first, so a stalled source cannot grow memory. */
  maxHeld?: number;
  now?: () => number;
}

/** Merges lines of several sources into one sequence ordered by timestamp. */
export class TimeMerger {
  private readonly held: Held[] = [];
  private readonly sources = new Map<string, Source>();
  private order = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly holdMs: number;
  private readonly startMs: number;
  private readonly maxHeld: number;
  private readonly now: () => number;

  constructor(
    private readonly emit: (entries: LogEntry[]) => void,
    o: MergeOptions = {},
  ) {
    this.holdMs = o.holdMs ?? 100;
    this.startMs = o.startMs ?? 1000;
    this.maxHeld = o.maxHeld ?? 20_000;
    this.now = o.now ?? Date.now;
  }

  /** A source's follow (re)starts: until it shows a line, others wait for it up to `startMs`. */
  start(source: string): void {
    const s = this.sources.get(source) ?? {};
    if (s.mark === undefined) s.startedAt = this.now();
    this.sources.set(source, s);
  }

  /** A source is gone for good: nothing waits for it any more. */
  remove(source: string): void {
    this.sources.delete(source);
    this.drain();
  }

  /** A state entry is not held: what is held goes out first, then the state. */
  state(e: LogEntry): void {
    this.flush();
    this.emit([e]);
  }

  /** Entries of one source, in its own order. */
  push(source: string, entries: LogEntry[]): void {
    const s = this.sources.get(source) ?? {};
    this.sources.set(source, s);
    const now = this.now();
    for (const e of entries) {
      if (e.kind === 'state') {
        this.state(e);
        continue;
      }
      s.startedAt = undefined;
      if (s.mark === undefined || e.ts > s.mark) s.mark = e.ts;
      this.insert({ line: e, source, arrival: now, order: this.order++ });
    }
    this.drain();
  }

  /** Let out everything held, in order. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length) this.emit(this.held.splice(0).map((h) => h.line));
  }

  /** Stop the timer; held lines are let out. */
  close(): void {
    this.flush();
    this.sources.clear();
  }

  /** Lines held now. */
  get heldCount(): number {
    return this.held.length;
  }

  private insert(h: Held): void {
    // Binary search for the first held line that sorts after this one (by time, then arrival).
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.held[mid];
      if (m.line.ts < h.line.ts || (m.line.ts === h.line.ts && m.order < h.order)) lo = mid + 1;
      else hi = mid;
    }
    this.held.splice(lo, 0, h);
  }

  private deadline(h: Held): number {
    let d = h.arrival + this.holdMs;
    for (const [key, s] of this.sources) if (key !== h.source && s.startedAt !== undefined) d = Math.max(d, s.startedAt + this.startMs);
    return d;
  }

  private ready(h: Held, now: number): boolean {
    if (now >= this.deadline(h)) return true;
    for (const [key, s] of this.sources) {
      if (key === h.source) continue;
      if (s.mark === undefined || s.mark < h.line.ts) return false;
    }
    return true;
  }

  private drain(): void {
    const now = this.now();
    let n = 0;
    while (n < this.held.length && (this.held.length - n > this.maxHeld || this.ready(this.held[n], now))) n++;
    if (n) this.emit(this.held.splice(0, n).map((h) => h.line));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length) {
      const wait = Math.max(1, this.deadline(this.held[0]) - now);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      this.timer.unref?.();
    }
  }
}
