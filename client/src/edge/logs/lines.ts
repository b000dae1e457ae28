// Bytes of one output stream (stdout or stderr of `logs --timestamps`) to timestamped lines.
// Decoding keeps multi-byte characters split across chunks whole and turns invalid UTF-8 into
// U+FFFD, so a line is always valid text. A line longer than the limit keeps its head and counts
// the rest, so a container that never prints a newline cannot grow memory.

import { StringDecoder } from 'node:string_decoder';
import { splitTimestamp, TS_LENGTH } from './timestamp';

/** A line as read from the runtime, before duplicates are dropped. */
export interface RawLine {
  /** Normalised timestamp; undefined for the runtime's own messages (no timestamp prefix). */
  ts?: string;
  text: string;
  /** Characters dropped off the end of an over-long line. */
  truncated?: number;
}

/** Default longest line kept, in characters (the rest is counted, not kept). */
export const DEFAULT_MAX_LINE = 64 * 1024;

// Docker cuts lines longer than 16 KiB into parts and prints each part with the same timestamp
// in front; only lines at least this long can carry such a part.
const PARTIAL_MIN = 4096;

/** Splits one stream's bytes into lines with their timestamps. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private dropped = 0;

  constructor(
    private readonly onLine: (line: RawLine) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {}

  /** Feed a chunk; complete lines are passed on at once. */
  push(chunk: Buffer): void {
    this.text(this.decoder.write(chunk));
  }

  /** The stream ended normally: decode what is left and pass on a last line without newline. */
  end(): void {
    this.text(this.decoder.end());
    if (this.pending || this.dropped) this.emit(this.pending);
    this.pending = '';
    this.dropped = 0;
  }

  /** The stream broke: forget a half line (it is read again when the stream resumes). */
  discard(): void {
    this.decoder.end();
    this.pending = '';
    this.dropped = 0;
  }

  private text(s: string): void {
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', from)) {
      const part = s.slice(from, nl);
      from = nl + 1;
      if (!this.pending && !this.dropped && part.length <= this.maxLine + 64) this.emit(part);
      else {
        this.add(part);
        const line = this.pending;
        this.pending = '';
        this.emit(line);
      }
    }
    if (from < s.length) this.add(from === 0 ? s : s.slice(from));
  }

  /**
   * Append to the line being read, keeping at most the limit plus room for the timestamp and the
   * part marks inside the kept head; the rest is counted, without the part marks it contains.
   */
  private add(part: string): void {
    const room = this.maxLine + (this.maxLine >> 6) + 128 - this.pending.length;
    if (part.length <= room) {
      this.pending += part;
      return;
    }
    const rest = room > 0 ? part.slice(room) : part;
    if (room > 0) this.pending += part.slice(0, room);
    const head = this.pending.slice(0, TS_LENGTH + 1);
    const mark = head.length === TS_LENGTH + 1 && splitTimestamp(head) ? head : undefined;
    this.dropped += mark ? rest.split(mark).join('').length : rest.length;
  }

  private emit(line: string): void {
    const dropped = this.dropped;
    this.dropped = 0;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const t = splitTimestamp(line);
    if (!t) {
      this.onLine(dropped ? { text: line, truncated: dropped } : { text: line });
      return;
    }
    let text = t.text;
    if (text.length >= PARTIAL_MIN && t.raw.length >= 25) {
      // Parts of a long line repeat the line's own timestamp; a nanosecond timestamp equal to the
      // line's cannot be the app's own text, so every copy of it is a part boundary.
      const mark = `${t.raw} `;
      if (text.includes(mark)) text = text.split(mark).join('');
    }
    let truncated = dropped;
    if (text.length > this.maxLine) {
      truncated += text.length - this.maxLine;
      text = text.slice(0, this.maxLine);
    }
    this.onLine(truncated ? { ts: t.ts, text, truncated } : { ts: t.ts, text });
  }
}
