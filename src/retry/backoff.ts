/**
 * Exponential backoff (D2): baseMs × 2^(attempt-1), i.e. 1 s, 2 s, 4 s with the default 1000 ms base.
 * No jitter: one extractor per database (run lock) paces one request at a time, so there is no herd to
 * spread, and exact delays keep the schedule testable. `attempt` is the 1-based attempt that failed.
 */
export function computeBackoffMs(attempt: number, baseMs: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return baseMs * 2 ** exponent;
}
