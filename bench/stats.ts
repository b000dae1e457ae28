// Small statistics helpers for benchmarks.

/** Percentile (0-100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Median of a list. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Time a function `n` times after `warm` warm-up runs; returns milliseconds per run. */
export function timeRuns(fn: () => void, n: number, warm = 3): number[] {
  for (let i = 0; i < warm; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Format milliseconds. */
export const ms = (v: number) => `${v.toFixed(v < 10 ? 3 : 1)} ms`;

/** Run a benchmark's main, then its clean-up whether it passed or not; a failure is printed and exits 1. */
export function runBench(main: () => Promise<void>, cleanup: () => Promise<void>): void {
  main().then(cleanup, async (e: unknown) => {
    console.error(e);
    await cleanup().catch(() => undefined);
    process.exitCode = 1;
  });
}
