/**
 * Fetch one page with D4's retry rules. Bounded: page attempts stop at maxAttempts, auth replays at
 * three consecutive failures. Auth replays spend no attempt and do not sleep. An abort (SIGTERM) while
 * waiting rejects with the signal's reason, so the caller can commit and exit.
 */
import type { ApiClient, ParsedPage } from '../api/index.ts';
import {
  type Clock,
  type DeferReason,
  type ErrorType,
  type EventLogger,
  ExtractorError,
} from '../platform/index.ts';
import { classifyAttempt } from './classify.ts';
import type { AttemptFailure } from './classify.ts';
import { applyLimits, decideNext } from './decide.ts';
import type { RetryPolicy } from './policy.ts';
import { reportFailure } from './report-failure.ts';
import type { TokenSource } from './token-source.ts';

export type PageOutcome =
  | { kind: 'ok'; page: ParsedPage; attempts: number }
  | {
      kind: 'gap';
      errorType: ErrorType;
      errorMessage: string;
      /** Raw (unredacted) ≤ 1 KB sample: redact before storing it in extraction_gaps. */
      responseSample: string | null;
      attempts: number;
      httpStatus: number | null;
    }
  | {
      kind: 'defer';
      reason: DeferReason;
      /** When to come back, in seconds; null when the server did not say. */
      retryAfterS: number | null;
      errorMessage: string;
      httpStatus: number | null;
      attempts: number;
    };

export interface PageRetryContext {
  client: Pick<ApiClient, 'fetchScanDetailsPage'>;
  tokens: TokenSource;
  clock: Clock;
  logger: EventLogger;
  policy: RetryPolicy;
  signal: AbortSignal;
  /**
   * Called once per failed attempt, with its class, before the loop acts on it (cockatiel's
   * onRetry / onGiveUp in one): 401 replays and the last attempt of a gap included. Metrics count
   * here, not from log lines, so the log level cannot change them.
   */
  onAttemptFailed: (failure: AttemptFailure) => void;
}

export async function fetchPageWithRetry(page: number, ctx: PageRetryContext): Promise<PageOutcome> {
  const { client, tokens, clock, logger, policy, signal } = ctx;
  let attempt = 1;
  let consecutiveAuthFailures = 0;
  let previousWasForbidden = false;
  for (;;) {
    signal.throwIfAborted();
    const token = await tokens.getAccessToken(signal);
    const result = await client.fetchScanDetailsPage(page, token, signal);
    const classified = classifyAttempt(result, { nowMs: clock.nowMs() });
    if (classified.kind === 'ok') return { kind: 'ok', page: classified.value, attempts: attempt };

    const failure = applyLimits(classified.failure, policy);
    const isAuth = failure.errorType === '401_unauthorized' || failure.errorType === '403_forbidden';
    consecutiveAuthFailures = isAuth ? consecutiveAuthFailures + 1 : 0;
    const decision = decideNext(failure, { attempt, consecutiveAuthFailures, previousWasForbidden }, policy);
    previousWasForbidden = failure.errorType === '403_forbidden';
    ctx.onAttemptFailed(failure);
    reportFailure(logger, { page, attempt, maxAttempts: policy.maxAttempts, failure, decision });

    switch (decision.kind) {
      case 'refresh':
        await tokens.refreshAfterAuthFailure(signal);
        break;
      case 'retry':
        await clock.sleep(decision.delayMs, signal);
        attempt += 1;
        break;
      case 'gap':
        return {
          kind: 'gap',
          errorType: failure.errorType,
          errorMessage: failure.errorMessage,
          responseSample: failure.responseSample,
          attempts: attempt,
          httpStatus: failure.httpStatus,
        };
      case 'defer':
        return {
          kind: 'defer',
          reason: decision.deferReason,
          retryAfterS: decision.retryAfterS,
          errorMessage: failure.errorMessage,
          httpStatus: failure.httpStatus,
          attempts: attempt,
        };
      case 'abort':
        throw new ExtractorError(
          'auth_aborted',
          `page ${page}: ${decision.reason} (${failure.errorMessage})`,
        );
    }
  }
}
