/**
 * Fetch one page (or look one system up by id, D85) with D4's retry rules. Bounded: page attempts stop at maxAttempts, auth replays at
 * three consecutive failures. Auth replays spend no attempt and do not sleep. An abort (SIGTERM) while
 * waiting rejects with the signal's reason, so the caller can commit and exit.
 */
import type { ApiClient, AttemptResult, ParsedPage } from '../api/index.ts';
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

/** The same loop for a lookup by id (D85): only the request differs. */
export type LookupRetryContext = Omit<PageRetryContext, 'client'> & {
  client: Pick<ApiClient, 'fetchScanDetailsById'>;
};

/** What one loop asks for: a page, or one system by id (logged as page 0 with its resource_id). */
interface Target {
  page: number;
  resourceId: string | null;
  request(token: string, signal: AbortSignal): Promise<AttemptResult<ParsedPage>>;
}

export function fetchPageWithRetry(page: number, ctx: PageRetryContext): Promise<PageOutcome> {
  const request = (token: string, signal: AbortSignal) =>
    ctx.client.fetchScanDetailsPage(page, token, signal);
  return attemptUntilSettled({ page, resourceId: null, request }, ctx);
}

/** `scandetails?resid=` with D4's retry rules, exactly as a page: the outcome is a one-record page. */
export function lookupWithRetry(resourceId: string, ctx: LookupRetryContext): Promise<PageOutcome> {
  const request = (token: string, signal: AbortSignal) =>
    ctx.client.fetchScanDetailsById(resourceId, token, signal);
  return attemptUntilSettled({ page: 0, resourceId, request }, ctx);
}

async function attemptUntilSettled(
  target: Target,
  ctx: Omit<PageRetryContext, 'client'>,
): Promise<PageOutcome> {
  const { tokens, clock, logger, policy, signal } = ctx;
  const { page, resourceId } = target;
  let attempt = 1;
  let consecutiveAuthFailures = 0;
  let previousWasForbidden = false;
  for (;;) {
    signal.throwIfAborted();
    const token = await tokens.getAccessToken(signal);
    const result = await target.request(token, signal);
    const classified = classifyAttempt(result, { nowMs: clock.nowMs() });
    if (classified.kind === 'ok') return { kind: 'ok', page: classified.value, attempts: attempt };

    const failure = applyLimits(classified.failure, policy);
    const isAuth = failure.errorType === '401_unauthorized' || failure.errorType === '403_forbidden';
    consecutiveAuthFailures = isAuth ? consecutiveAuthFailures + 1 : 0;
    const decision = decideNext(failure, { attempt, consecutiveAuthFailures, previousWasForbidden }, policy);
    previousWasForbidden = failure.errorType === '403_forbidden';
    ctx.onAttemptFailed(failure);
    const report = { page, attempt, maxAttempts: policy.maxAttempts, failure, decision };
    reportFailure(logger, resourceId === null ? report : { ...report, resourceId });

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
      case 'abort': {
        const what = resourceId === null ? `page ${page}` : `lookup of system ${resourceId}`;
        throw new ExtractorError('auth_aborted', `${what}: ${decision.reason} (${failure.errorMessage})`);
      }
    }
  }
}
