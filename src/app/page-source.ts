/**
 * Adapts the retry layer (one page or one lookup by id, all its attempts, D4, D85) to the extraction
 * loop's PageSource port,
 * reports records the mapper had to reject, so no system disappears without a trace, and redacts
 * what a gap row will store and the known secrets in every record (D54). Failed attempts and rejected records are counted into the metrics
 * here, as they happen, never from the log (whose level and allow-list must not change a metric).
 */
import type { ApiClient } from '../api/index.ts';
import type { PageResult, PageSource } from '../extract/index.ts';
import { redactText, type Clock, type EventLogger } from '../platform/index.ts';
import type { RunMetrics, SecretRegistry } from '../observability/index.ts';
import {
  fetchPageWithRetry,
  lookupWithRetry,
  type AttemptFailure,
  type PageOutcome,
  type RetryPolicy,
  type TokenSource,
} from '../retry/index.ts';
import { scrubPage } from './scrub-records.ts';

export function createPageSource(deps: {
  client: Pick<ApiClient, 'fetchScanDetailsPage' | 'fetchScanDetailsById'>;
  tokens: TokenSource;
  clock: Clock;
  policy: RetryPolicy;
  /** Gap rows are stored: their message and sample get the same redaction as log lines (D8). */
  secrets: SecretRegistry;
  metrics: Pick<RunMetrics, 'retry' | 'recordsRejected'>;
}): PageSource {
  const { secrets, metrics, ...retryDeps } = deps;
  const onAttemptFailed = (failure: AttemptFailure): void => {
    metrics.retry(failure.errorType);
  };
  /** The same handling for a page and for a lookup by id (D85, page 0): rejects, scrubbing, redaction. */
  const toResult = (outcome: PageOutcome, page: number, logger: EventLogger): PageResult => {
    switch (outcome.kind) {
      case 'ok': {
        const parsed = outcome.page;
        if (parsed.rejects.length > 0) {
          metrics.recordsRejected(parsed.rejects.length);
          logger.emit('records_rejected', {
            page,
            count: parsed.rejects.length,
            reasons: [...new Set(parsed.rejects.map((reject) => reject.reason))].join('; '),
          });
        }
        return { kind: 'ok', failedAttempts: outcome.attempts - 1, page: scrubPage(parsed, secrets) };
      }
      case 'gap':
        return {
          ...outcome,
          errorMessage: redactText(outcome.errorMessage, secrets),
          responseSample:
            outcome.responseSample === null ? null : redactText(outcome.responseSample, secrets),
        };
      case 'defer':
        return {
          kind: 'defer',
          reason: outcome.reason,
          retryAfterS: outcome.retryAfterS,
          message: outcome.errorMessage,
          failedAttempts: outcome.attempts,
        };
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  };
  return {
    async fetchPage(page, signal, logger): Promise<PageResult> {
      const outcome = await fetchPageWithRetry(page, { ...retryDeps, logger, signal, onAttemptFailed });
      return toResult(outcome, page, logger);
    },
    async lookupSystem(resourceId, signal, logger): Promise<PageResult> {
      const outcome = await lookupWithRetry(resourceId, { ...retryDeps, logger, signal, onAttemptFailed });
      return toResult(outcome, 0, logger);
    },
  };
}
