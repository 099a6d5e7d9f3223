/** Retry policy knobs (D2), from Config; their defaults are in config/settings.ts. */
export interface RetryPolicy {
  /** Attempts per page (PMP_MAX_ATTEMPTS). Auth refresh-and-replay does not spend one. */
  maxAttempts: number;
  /** Backoff base in ms (PMP_BACKOFF_BASE_MS): delays are base × 2^(attempt-1). */
  backoffBaseMs: number;
  /** A longer Retry-After defers the run instead of sleeping (PMP_MAX_RETRY_AFTER_S), in seconds. */
  maxRetryAfterS: number;
  /** Wait after an HTML / non-JSON "please wait" page (PMP_THROTTLE_WAIT_MS), in ms. */
  throttleWaitMs: number;
}

/** Three consecutive auth failures (401 / in-body auth / 403) abort the run (D3). */
export const MAX_CONSECUTIVE_AUTH_FAILURES = 3;
