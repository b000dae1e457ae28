// Log timestamps as runtimes print them with `logs --timestamps`. Docker and nerdctl print
// RFC 3339 in UTC with nine fraction digits; Podman prints RFC 3339 with trailing zeros trimmed
// and the device's own offset. Every one is normalised to the fixed-width UTC form, so comparing
// two timestamps is comparing two strings and no per-line number arithmetic is needed.

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})$/;

/** Length of a normalised timestamp: `2026-11-26T06:29:02.163189322Z`. */
export const TS_LENGTH = 30;

/** Whether `s` starts with Docker's fixed form; checked per line, so by character, not by regex. */
function isFixedUtc(s: string): boolean {
  return s.length >= TS_LENGTH && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 84 && s.charCodeAt(19) === 46 && s.charCodeAt(29) === 90;
}

/** Normalise an RFC 3339 timestamp to UTC with nine fraction digits; undefined if it is not one. */
export function normalizeTimestamp(raw: string): string | undefined {
  if (raw.length === TS_LENGTH && isFixedUtc(raw) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/.test(raw)) return raw;
  const m = RFC3339.exec(raw);
  if (!m) return undefined;
  const frac = (m[3] ?? '').padEnd(9, '0');
  const zone = m[4].toUpperCase();
  if (zone === 'Z') return `${m[1]}T${m[2]}.${frac}Z`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/**
 * Split a `--timestamps` line into its timestamp and text. The fast path is Docker's fixed form;
 * anything else is tried as RFC 3339 up to the first space. Undefined when the line has none
 * (the runtime's own messages, such as "Error: No such container").
 */
export function splitTimestamp(line: string): { ts: string; raw: string; text: string } | undefined {
  if (isFixedUtc(line) && line.charCodeAt(TS_LENGTH) === 32) {
    const raw = line.slice(0, TS_LENGTH);
    return { ts: raw, raw, text: line.slice(TS_LENGTH + 1) };
  }
  const sp = line.indexOf(' ');
  const end = sp < 0 ? line.length : sp;
  if (end < 19 || end > 40) return undefined;
  const raw = line.slice(0, end);
  const ts = normalizeTimestamp(raw);
  if (!ts) return undefined;
  return { ts, raw, text: sp < 0 ? '' : line.slice(sp + 1) };
}

/** Milliseconds since the epoch of a normalised timestamp (sub-millisecond digits dropped). */
export function timestampMs(ts: string): number {
  return Date.parse(ts.slice(0, 23) + 'Z');
}

/** A normalised timestamp moved back by `ms` milliseconds, keeping the sub-millisecond digits. */
export function timestampMinus(ts: string, ms: number): string {
  const base = Date.parse(ts.slice(0, 19) + 'Z') - Math.ceil(ms / 1000) * 1000;
  return `${new Date(base).toISOString().slice(0, 19)}${ts.slice(19)}`;
}

/** A normalised timestamp for a host time in milliseconds. */
export function timestampOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + '000000Z';
}

/** Host-local wall-clock time `HH:MM:SS` of a moment in ms, for messages such as "reconnecting since". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * Check a `--since` value the way runtimes read it: a duration (`10m`, `1h30m`, `45s`), an RFC 3339
 * time, a date, or Unix seconds. Returns an error sentence, or undefined when it is fine.
 */
export function checkSince(value: string): string | undefined {
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  if (/^\d+(\.\d{1,9})?$/.test(value)) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) || normalizeTimestamp(value) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  return `--since takes a duration such as 10m or 1h30m, an RFC 3339 time such as 2026-01-31T12:00:00Z, or Unix seconds; got '${value}'`;
}
