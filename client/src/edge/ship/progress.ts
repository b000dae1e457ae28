// Transfer progress per layer and in total: bytes, rate over a sliding window, and ETA. Reports
// are throttled so a fast link does not flood the callback.

/** One layer's transfer state. */
export interface LayerProgress {
  digest: string;
  size: number;
  sent: number;
}

/** A progress report. */
export interface ShipProgress {
  phase: 'prepare' | 'check' | 'transfer' | 'tag' | 'done';
  message?: string;
  layers: LayerProgress[];
  /** Bytes sent so far of `totalBytes` (the missing layers' blobs). */
  sentBytes: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate, undefined while unknown. */
  etaSeconds?: number;
}

/** Progress callback. */
export type ShipProgressListener = (p: ShipProgress) => void;

/** Keeps the counters and decides when to report. */
export class ProgressTracker {
  private readonly layers: LayerProgress[];
  private readonly byDigest: Map<string, LayerProgress>;
  private readonly samples: { t: number; bytes: number }[] = [];
  private lastReport = 0;
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private sent = 0;
  private expected = 0;

  constructor(
    layers: readonly { digest: string; size: number }[],
    private readonly listener: ShipProgressListener | undefined,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 250,
  ) {
    this.layers = layers.map((l) => ({ digest: l.digest, size: l.size, sent: 0 }));
    this.byDigest = new Map(this.layers.map((l) => [l.digest, l]));
  }

  /** Total bytes expected. */
  get totalBytes(): number {
    return Math.max(this.expected, this.layers.reduce((n, l) => n + l.size, 0));
  }

  /** An estimate of the total while not every layer is known yet (a streamed archive). */
  expect(total: number): void {
    this.expected = total;
  }

  /** A layer that became known during the transfer (a streamed archive names them as it goes). */
  addLayer(key: string, size: number): void {
    if (this.byDigest.has(key)) return;
    const l = { digest: key, size, sent: 0 };
    this.layers.push(l);
    this.byDigest.set(key, l);
  }

  /** Give a layer its real name once known (a streamed layer's diff ID is learnt at its end). */
  rename(key: string, digest: string): void {
    const l = this.byDigest.get(key);
    if (!l || key === digest || this.byDigest.has(digest)) return;
    this.byDigest.delete(key);
    l.digest = digest;
    this.byDigest.set(digest, l);
  }

  /** Bytes sent so far (a layer sent again after a restart counts once, up to its size). */
  get sentBytes(): number {
    return this.sent;
  }

  /** Count bytes of a layer; a resend (Range restart or retry) does not count twice. */
  add(digest: string, bytes: number, offset?: number): void {
    const l = this.byDigest.get(digest);
    if (!l) return;
    const before = l.sent;
    l.sent = Math.min(l.size, offset === undefined ? l.sent + bytes : Math.max(l.sent, offset + bytes));
    this.sent += l.sent - before;
    const t = this.now();
    this.samples.push({ t, bytes: this.sent });
    while (this.samples.length > 2 && t - this.samples[0].t > 3000) this.samples.shift();
    if (t - this.lastReport >= this.intervalMs) this.report('transfer');
    // A burst (an SSH window taking 2 MiB at once) must not end on a count nobody was told about.
    else this.trailing ??= setTimeout(() => this.report('transfer'), this.intervalMs - (t - this.lastReport)).unref();
  }

  /** The layers as they stand now (copies). */
  snapshot(): LayerProgress[] {
    return this.layers.map((l) => ({ ...l }));
  }

  /** Mark every layer as delivered (the runtime has the image), without a report. */
  complete(): void {
    this.expected = 0;
    for (const l of this.layers) {
      this.sent += l.size - l.sent;
      l.sent = l.size;
    }
  }

  /** Bytes per second over the sliding window. */
  rate(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    return b.t > a.t ? ((b.bytes - a.bytes) * 1000) / (b.t - a.t) : 0;
  }

  /** Send a report now. */
  report(phase: ShipProgress['phase'], message?: string): void {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    this.lastReport = this.now();
    const rate = this.rate();
    const left = this.totalBytes - this.sent;
    this.listener?.({ phase, message, layers: this.layers.map((l) => ({ ...l })), sentBytes: this.sent, totalBytes: this.totalBytes, rate, etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined });
  }
}

/** A byte count for people: `12.3 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** One progress line: total, rate and ETA. */
export function formatProgress(p: ShipProgress): string {
  const pct = p.totalBytes ? Math.floor((p.sentBytes / p.totalBytes) * 100) : 100;
  const eta = p.etaSeconds === undefined ? '' : `, ${Math.ceil(p.etaSeconds)} s left`;
  const layers = p.layers.filter((l) => l.sent > 0 && l.sent < l.size).map((l) => `${l.digest.slice(7, 19)} ${Math.floor((l.sent / l.size) * 100)}%`);
  return `${formatBytes(p.sentBytes)} of ${formatBytes(p.totalBytes)} (${pct}%) at ${formatBytes(Math.round(p.rate))}/s${eta}${layers.length ? ` [${layers.join(', ')}]` : ''}`;
}
