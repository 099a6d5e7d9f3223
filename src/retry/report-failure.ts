/**
 * The log lines of one failed attempt (D8): `page_extraction_failed` with the action taken, and
 * a DEBUG `retry_decision` explaining it. The sample goes out raw; the logger truncates and redacts.
 */
import type { EventLogger, Level } from '../platform/index.ts';
import type { AttemptFailure } from './classify.ts';
import { actionOf } from './decide.ts';
import type { RetryDecision } from './decide.ts';

export interface FailureReport {
  /** 0 for a lookup by id (D85), which names its system in `resourceId`. */
  page: number;
  resourceId?: string;
  attempt: number;
  maxAttempts: number;
  failure: AttemptFailure;
  decision: RetryDecision;
}

function levelOf(decision: RetryDecision): Level {
  return decision.kind === 'gap' || decision.kind === 'abort' ? 'ERROR' : 'WARNING';
}

export function reportFailure(logger: EventLogger, report: FailureReport): void {
  const { page, attempt, failure, decision } = report;
  const which = report.resourceId === undefined ? {} : { resource_id: report.resourceId };
  const delayMs = decision.kind === 'retry' ? decision.delayMs : decision.kind === 'refresh' ? 0 : null;
  logger.emit(
    'page_extraction_failed',
    {
      page,
      attempt,
      max_attempts: report.maxAttempts,
      http_status: failure.httpStatus,
      error_type: failure.errorType,
      error_message: failure.errorMessage,
      response_sample: failure.responseSample,
      action: actionOf(decision),
      delay_ms: delayMs,
      ...which,
    },
    levelOf(decision),
  );
  logger.emit('retry_decision', {
    page,
    attempt,
    error_type: failure.errorType,
    delay_ms: delayMs ?? 0,
    reason:
      decision.kind === 'refresh' ? 'refresh token and replay without spending an attempt' : decision.reason,
    ...which,
  });
}
