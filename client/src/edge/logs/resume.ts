// Where a container's log was left, so a follow that starts again (after a lost link, an SSH
// reconnect or a restart of the same container) asks for the lines from a little before that
// point and drops exactly the ones already shown.
//
// Runtimes give timestamps, not sequence numbers, and several lines can carry the same timestamp
// (a coarse clock, a burst, the parts of a split line). So per output stream the tracker keeps the
// last timestamp seen and how many lines it saw with that timestamp. The runtime's `--since` is
// inclusive and replays lines in their original order, so when following again, lines older than
// the last timestamp are dropped, and of the lines at exactly that timestamp the first `count`
// are dropped; the next one is new. Streams are tracked apart because stdout and stderr are stamped
// by separate readers and may reach the host slightly out of order with each other.

import { timestampMinus } from './timestamp';
import type { LogStreamName } from './types';

interface StreamMark {
  /** Last timestamp delivered on this stream. */
  ts: string;
  /** Lines delivered with exactly that timestamp. */
  count: number;
  /** While replaying: lines at `ts` dropped so far. */
  skipped: number;
  replaying: boolean;
}

/** Resume point and boundary de-duplication of one container's log. */
export class ResumeTracker {
  private readonly marks = new Map<LogStreamName, StreamMark>();
  private floor: string | undefined;
  private resumed = false;
  /** Lines dropped as already delivered, over the tracker's life. */
  duplicates = 0;

  /** `floor`: the earliest time the first follow asked for, when known (device time, normalised). */
  constructor(floor?: string) {
    this.floor = floor;
  }

  /** Whether any line was delivered yet. */
  get seen(): boolean {
    return this.marks.size > 0;
  }

  /**
   * The `--since` for following again: the earliest last timestamp over the streams, moved back by
   * `marginMs` so lines one stream had in flight when another's were already shown are asked for
   * again (the de-duplication drops what was shown). Undefined when nothing was seen yet.
   */
  since(marginMs: number): string | undefined {
    let min: string | undefined;
    for (const m of this.marks.values()) if (min === undefined || m.ts < min) min = m.ts;
    if (min === undefined) return this.floor === undefined ? undefined : timestampMinus(this.floor, marginMs);
    return timestampMinus(min, marginMs);
  }

  /**
   * A new follow starts from `since()`: every stream replays its boundary first. Only a follow
   * after lines were shown is a resume: within the first one, stdout and stderr arrive in their
   * own order, so a stream's first line may be older than the other's and is still new.
   */
  restart(): void {
    this.resumed = this.marks.size > 0;
    for (const m of this.marks.values()) {
      m.replaying = true;
      m.skipped = 0;
    }
  }

  /** Whether a line is new (deliver it) or a boundary duplicate (drop it). */
  accept(stream: LogStreamName, ts: string): boolean {
    const m = this.marks.get(stream);
    if (!m) {
      // Nothing of this stream was shown: a line is new unless it is older than the window the
      // first follow covered (then it was left out on purpose, by --since or --tail).
      if (this.resumed && this.floor !== undefined && ts < this.floor) return this.drop();
      this.marks.set(stream, { ts, count: 1, skipped: 0, replaying: false });
      if (this.floor === undefined) this.floor = ts;
      return true;
    }
    if (m.replaying) {
      if (ts < m.ts) return this.drop();
      if (ts === m.ts && m.skipped < m.count) {
        m.skipped++;
        return this.drop();
      }
      // The first line past the boundary: from here on everything is new.
      m.replaying = false;
    }
    if (ts === m.ts) m.count++;
    else {
      m.ts = ts;
      m.count = 1;
    }
    return true;
  }

  private drop(): false {
    this.duplicates++;
    return false;
  }
}
