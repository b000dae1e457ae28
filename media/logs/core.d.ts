// Types of media/logs/core.js for the TypeScript side (the view provider, save to file, tests).

export type Level = 'error' | 'warn' | 'info' | 'debug';

export interface Style {
  /** Palette index 0-15 (theme terminal colours) or '#rrggbb'. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface Segment extends Style {
  text: string;
}

export interface FilterSpec {
  text?: string;
  regex?: boolean;
  caseSensitive?: boolean;
  levels?: Level[];
  services?: string[];
  streams?: ('stdout' | 'stderr')[];
}

export interface FilterSubject {
  plain: string;
  level?: Level;
  service?: string;
  stream?: string;
  state?: boolean;
}

export interface Filter {
  error?: string;
  active: boolean;
  test(e: FilterSubject): boolean;
  ranges(plain: string): [number, number][];
}

export interface WireLine {
  kind: 'line';
  ts: string;
  stream: 'stdout' | 'stderr';
  text: string;
  name?: string;
  service?: string;
  truncated?: number;
}

export interface WireState {
  kind: 'state';
  state: string;
  at: number;
  message: string;
}

export type TimeMode = 'off' | 'device' | 'local';

export interface RowOptions {
  time: TimeMode;
  showSource?: boolean;
  color?: (name: string) => number;
  ranges?: (plain: string) => [number, number][];
}

export function escapeHtml(s: string): string;
export function parseAnsi(text: string): { segments: Segment[]; plain: string };
export function stripAnsi(text: string): string;
export function color256(n: number): number | string;
export function detectLevel(plain: string): Level | undefined;
export function levelOfValue(v: unknown): Level | undefined;
export function makeFilter(spec: FilterSpec): Filter;
export function formatTime(ts: string, mode: TimeMode): string;
export function serviceColors(): { of(name: string): number };
export function renderSegmentsHtml(segments: Segment[], ranges?: [number, number][]): string;
export function renderRowHtml(e: WireLine | WireState, o: RowOptions, parsed?: { segments: Segment[]; plain: string }): string;
export function plainLine(e: WireLine | WireState, o: { time: TimeMode; showSource?: boolean }): string;
export const MAX_DRAWN: number;
export const SERVICE_COLORS: number;
