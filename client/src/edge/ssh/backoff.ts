// Reconnect delays: exponential growth with jitter, so many clients whose link came back at the
// same moment do not all knock at once.

import type { ReconnectOptions } from './target';

/** Defaults: first retry within 0.5 s, at most 30 s apart, give up after 10 tries. */
export const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 10 };

/** The delay before attempt `n` (0-based): half the exponential step fixed, half random. */
export function backoffDelay(n: number, o: ReconnectOptions, random: () => number = Math.random): number {
  const step = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** Math.min(n, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A small counting semaphore that hands out slots in request order. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  /** Wait for a free slot; the returned function frees it (once). */
  async take(signal?: AbortSignal): Promise<() => void> {
    if (this.used >= this.size) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', stop, { once: true });
        this.waiting.push(go);
      });
    } else this.used++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = this.waiting.shift();
      // A waiter inherits the slot; otherwise it is returned.
      if (next) next();
      else this.used--;
    };
  }
}
