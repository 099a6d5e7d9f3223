/**
 * The policy half of D3 + D4, as pure functions: applyLimits turns what an attempt saw into its class
 * under the configured limits, and decideNext chooses what to do with an exhaustive switch on that
 * class. The loop in page-attempts.ts only executes the decision.
 */
import type { DeferReason, ErrorType, FailureAction } from '../platform/index.ts';
import { computeBackoffMs } from './backoff.ts';
import type { AttemptFailure } from './classify.ts';
import { MAX_CONSECUTIVE_AUTH_FAILURES } from './policy.ts';
import type { RetryPolicy } from './policy.ts';

export type RetryDecision =
  /** Refresh the token and replay at once; no page attempt spent. */
  | { kind: 'refresh' }
  | { kind: 'retry'; delayMs: number; reason: string }
  /** Attempts exhausted, or not retryable: record a gap. */
  | { kind: 'gap'; reason: string }
  /** Stop the batch, keep state, exit 3; no gap. */
  | { kind: 'defer'; deferReason: DeferReason; retryAfterS: number | null; reason: string }
  /** Auth cannot be fixed by refreshing: exit 1. */
  | { kind: 'abort'; reason: string };

export interface AttemptState {
  /** 1-based page attempt that just failed. */
  attempt: number;
  /** Consecutive auth failures including this one (401, in-body auth, 403). */
  consecutiveAuthFailures: number;
  /** The previous attempt was a 403 that was already answered with a refresh. */
  previousWasForbidden: boolean;
}

function assertNever(value: never): never {
  throw new Error(`unhandled error type: ${String(value)}`);
}

const TOKEN_TOO_LARGE =
  'HTTP 431: the access token is too large for the server (request header fields too large); ' +
  'check what the token endpoint or PMP_TOKEN_COMMAND returns';

const toSeconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * A 429 or a throttle page asking for a longer wait than maxRetryAfterS (PMP_MAX_RETRY_AFTER_S,
 * seconds) is not slept through: its class becomes `rate_limit_deferred` (rate_limited), so the run
 * stops and resumes later. A wait of exactly maxRetryAfterS is still waited out.
 */
export function applyLimits(
  seen: AttemptFailure,
  policy: Pick<RetryPolicy, 'maxRetryAfterS'>,
): AttemptFailure {
  const waitable = seen.errorType === '429_rate_limit' || seen.errorType === 'throttled';
  const tooLong = seen.retryAfterMs !== null && seen.retryAfterMs > policy.maxRetryAfterS * 1000;
  return waitable && tooLong
    ? { ...seen, errorType: 'rate_limit_deferred', deferReason: 'rate_limited' }
    : seen;
}

/** `failure` is the attempt's class after applyLimits: the one the log and the metrics report. */
export function decideNext(failure: AttemptFailure, state: AttemptState, policy: RetryPolicy): RetryDecision {
  const lastAttempt = state.attempt >= policy.maxAttempts;
  const exhausted = `attempt ${state.attempt} of ${policy.maxAttempts} failed`;
  const backoffMs = computeBackoffMs(state.attempt, policy.backoffBaseMs);
  // D50: 431 Request Header Fields Too Large on an API call means the Authorization header (the
  // token) is too large; every page would get it, and a refresh mints a token of the same kind.
  if (failure.httpStatus === 431) return { kind: 'abort', reason: TOKEN_TOO_LARGE };
  const type: ErrorType = failure.errorType;
  switch (type) {
    case '401_unauthorized':
      if (state.consecutiveAuthFailures >= MAX_CONSECUTIVE_AUTH_FAILURES) {
        return { kind: 'abort', reason: `${state.consecutiveAuthFailures} consecutive auth failures` };
      }
      return { kind: 'refresh' };
    case '403_forbidden':
      if (state.previousWasForbidden)
        return { kind: 'abort', reason: '403 persists after a token refresh (scope?)' };
      if (state.consecutiveAuthFailures >= MAX_CONSECUTIVE_AUTH_FAILURES) {
        return { kind: 'abort', reason: `${state.consecutiveAuthFailures} consecutive auth failures` };
      }
      return { kind: 'refresh' };
    case 'rate_limit_deferred': {
      const retryAfterS = failure.retryAfterMs === null ? null : toSeconds(failure.retryAfterMs);
      const deferReason = failure.deferReason ?? 'rate_limited';
      return {
        kind: 'defer',
        deferReason,
        retryAfterS,
        reason: `${deferReason}: stop the batch, resume later`,
      };
    }
    case 'unknown_error':
      return { kind: 'gap', reason: 'not retryable' };
    case 'throttled': {
      const waitMs = Math.max(policy.throttleWaitMs, failure.retryAfterMs ?? 0);
      if (lastAttempt) {
        return {
          kind: 'defer',
          deferReason: 'throttled',
          retryAfterS: toSeconds(waitMs),
          reason: `still throttled: ${exhausted}`,
        };
      }
      return { kind: 'retry', delayMs: waitMs, reason: 'throttle page: wait it out' };
    }
    case '429_rate_limit':
      if (lastAttempt) return { kind: 'gap', reason: exhausted };
      return failure.retryAfterMs === null
        ? { kind: 'retry', delayMs: backoffMs, reason: 'no usable Retry-After: backoff' }
        : { kind: 'retry', delayMs: failure.retryAfterMs, reason: 'Retry-After' };
    case '5xx_server_error':
    case 'network_timeout':
    case 'json_parse_error':
      if (lastAttempt) return { kind: 'gap', reason: exhausted };
      return { kind: 'retry', delayMs: backoffMs, reason: 'backoff' };
    default:
      return assertNever(type);
  }
}

export function actionOf(decision: RetryDecision): FailureAction {
  switch (decision.kind) {
    case 'refresh':
      return 'refresh_token';
    case 'retry':
      return 'retry';
    case 'gap':
      return 'skip_page';
    case 'defer':
      return 'defer_run';
    case 'abort':
      return 'abort';
  }
}
