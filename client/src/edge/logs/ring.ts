// The last N entries of a stream, in a fixed circular array: a container printing faster than the
// panel draws never grows memory past the cap. Entries that fall off the top are counted, so the
// panel can say how many it dropped. Readers take what is new since the sequence number they last
// saw, at their own pace; the stream never waits for them.

import type { LogEntry } from './types';

/** Default cap of kept entries (the `pier.logs.maxLines` setting). */
export const DEFAULT_MAX_ENTRIES = 50_000;
/** Default cap of kept text, in UTF-16 code units times two (about bytes in memory). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Rough memory of one entry: its text and a fixed overhead for the object and small strings. */
export function entrySize(e: LogEntry): number {
  return 160 + 2 * (e.kind === 'line' ? e.text.length : e.message.length);
}

/** A bounded buffer of log entries with sequence numbers. */
export class LogRing {
  private slots: (LogEntry | undefined)[];
  private head = 0;
  private count = 0;
  private bytesNow = 0;
  private first = 0;
  /** Entries dropped off the top since the ring was made or cleared. */
  dropped = 0;

  constructor(
    private maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('a log ring keeps at least one entry');
    this.slots = new Array(maxEntries);
  }

  /** Entries kept now. */
  get size(): number {
    return this.count;
  }

  /** About how much memory the kept entries use. */
  get bytes(): number {
    return this.bytesNow;
  }

  /** Sequence number of the oldest kept entry. */
  get firstSeq(): number {
    return this.first;
  }

  /** Sequence number the next entry gets. */
  get nextSeq(): number {
    return this.first + this.count;
  }

  /** The cap of kept entries. */
  get capacity(): number {
    return this.maxEntries;
  }

  /** Add an entry, dropping the oldest when a cap is reached; returns its sequence number. */
  push(e: LogEntry): number {
    const size = entrySize(e);
    while (this.count > 0 && (this.count >= this.maxEntries || this.bytesNow + size > this.maxBytes)) this.shift();
    this.slots[(this.head + this.count) % this.maxEntries] = e;
    this.count++;
    this.bytesNow += size;
    return this.first + this.count - 1;
  }

  /** Entries with sequence number `from` and later that are still kept (all kept when older). */
  since(from: number): { first: number; entries: LogEntry[]; missed: number } {
    const start = Math.max(from, this.first);
    const entries: LogEntry[] = [];
    for (let s = start; s < this.first + this.count; s++) entries.push(this.slots[(this.head + s - this.first) % this.maxEntries]!);
    return { first: start, entries, missed: start - from };
  }

  /** Every kept entry, oldest first. */
  all(): LogEntry[] {
    return this.since(this.first).entries;
  }

  /** Forget every entry (sequence numbers go on, so readers notice). */
  clear(): void {
    this.first += this.count;
    this.slots = new Array(this.maxEntries);
    this.head = 0;
    this.count = 0;
    this.bytesNow = 0;
    this.dropped = 0;
  }

  /** Change the cap; the oldest entries go when it shrinks. */
  resize(maxEntries: number): void {
    if (!(maxEntries >= 1) || maxEntries === this.maxEntries) return;
    const kept = this.all().slice(-maxEntries);
    this.dropped += this.count - kept.length;
    this.first += this.count - kept.length;
    this.maxEntries = maxEntries;
    this.slots = new Array(maxEntries);
    this.head = 0;
    this.count = 0;
    this.bytesNow = 0;
    for (const e of kept) this.push(e);
  }

  private shift(): void {
    const e = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxEntries;
    this.count--;
    this.first++;
    this.bytesNow -= entrySize(e);
    this.dropped++;
  }
}
