// What a log stream hands to its consumers: the container's lines and, inline between them, what
// happened to the stream (live, reconnecting, container restarted), so a reader sees where a gap
// could have been and that there is none.

/** Which output of the container a line came from. */
export type LogStreamName = 'stdout' | 'stderr';

/** One line a container printed. */
export interface LogLine {
  kind: 'line';
  /** Device time of the line, normalised to UTC with nine fraction digits (sortable as text). */
  ts: string;
  stream: LogStreamName;
  /** The line without its newline; ANSI escapes and all other bytes are kept as printed. */
  text: string;
  /** Short container ID (12 hex digits) the line came from. */
  container: string;
  /** Container name (without the leading slash). */
  name: string;
  /** Compose service, for containers of a Compose project. */
  service?: string;
  /** Characters cut off the end of a line longer than the stream's limit. */
  truncated?: number;
}

/** States a stream reports inline. */
export type LogStateKind =
  | 'connecting'
  | 'live'
  | 'reconnecting'
  | 'stopped'
  | 'restarted'
  | 'waiting'
  | 'removed'
  | 'ended'
  | 'failed';

/** A change of the stream's state, shown between the lines where it happened. */
export interface LogState {
  kind: 'state';
  state: LogStateKind;
  /** Host time of the change, milliseconds since the epoch. */
  at: number;
  /** For `reconnecting`: when the link was lost (host time, ms). */
  since?: number;
  /** For `live` after a gap: the device time the stream resumed from. */
  resumedFrom?: string;
  /** The container (name) this is about, when it is about one. */
  container?: string;
  service?: string;
  /** One sentence for people, e.g. "reconnecting since 12:03:04". */
  message: string;
}

/** An entry of a stream: a line or a state change. */
export type LogEntry = LogLine | LogState;

/** What to follow on a device. */
export type LogTarget =
  /** One container by name or ID; a new container with the same name is followed after a replace. */
  | { kind: 'container'; ref: string }
  /** Every container of a Compose project (optionally only some services), interleaved by time. */
  | { kind: 'compose'; project: string; services?: string[] }
  /** A container by that name or ID if there is one, else the Compose project of that name. */
  | { kind: 'auto'; ref: string };

/** How a stream ended. */
export interface LogStreamEnd {
  reason: 'aborted' | 'ended' | 'failed';
  /** Lines delivered (after duplicates were dropped). */
  lines: number;
  /** Boundary duplicates dropped while resuming. */
  duplicatesDropped: number;
  error?: Error;
}
