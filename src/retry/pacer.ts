/**
 * Request pacing (D2 PMP_PAGE_DELAY_MS, default 250 ms): request STARTS are at least minSpacingMs apart,
 * measured start to start, so server latency is not added on top of the delay. Every API request goes
 * through it, retries and auth replays included. Slots are reserved synchronously, so concurrent
 * callers queue instead of starting together.
 */
import type { Clock } from '../platform/index.ts';

export interface Pacer {
  /** Resolves when the caller may start its request; rejects with the signal's reason on abort. */
  waitTurn(signal?: AbortSignal): Promise<void>;
}

export function createPacer(clock: Clock, minSpacingMs: number): Pacer {
  let lastStartMs = Number.NEGATIVE_INFINITY;
  return {
    async waitTurn(signal) {
      signal?.throwIfAborted();
      const nowMs = clock.nowMs();
      const startMs = Math.max(nowMs, lastStartMs + minSpacingMs);
      lastStartMs = startMs;
      if (startMs > nowMs) await clock.sleep(startMs - nowMs, signal);
      // A timer that fires late must not let the next request catch up: the spacing is measured
      // from when this request really starts (unless a later caller already reserved the next slot).
      if (lastStartMs === startMs) lastStartMs = Math.max(startMs, clock.nowMs());
    },
  };
}
