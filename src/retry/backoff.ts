/**
 * Exponential backoff (D2), the one schedule for page attempts and the token endpoint:
 * baseMs × 2^(attempt-1), i.e. 1 s, 2 s, 4 s with the default 1000 ms base, capped at MAX_BACKOFF_MS.
 * No jitter: one extractor per database (run lock) paces one request at a time, so there is no herd to
 * spread, and exact delays keep the schedule testable. `attempt` is the 1-based attempt that failed.
 */
export function computeBackoffMs(attempt: number, baseMs: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** exponent);
}

/**
 * The cap: Node's longest timer, 2^31 − 1 ms (about 24.8 days). setTimeout fires a longer delay after
 * 1 ms instead, so an uncapped schedule (a large PMP_BACKOFF_BASE_MS, many attempts) would turn into
 * immediate retries. Every delay a valid configuration produces today is below it.
 */
export const MAX_BACKOFF_MS = 2_147_483_647;
