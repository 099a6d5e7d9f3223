/**
 * D4 as a pure function: one attempt's result → what it saw. No policy here: a 429 is a 429 with its
 * parsed Retry-After, however long; decide.ts applies PMP_MAX_RETRY_AFTER_S and the other limits, and
 * chooses what to do. Every attempt is classified on its own. Precedence, most specific first:
 * transport failures; a daily-quota answer (any status); auth (401 or an in-body auth code, any
 * status); 403 / scope errors; 429; 5xx; other non-2xx; then the body of a 2xx.
 *
 * Two choices the table leaves open: a 2xx JSON `status: "error"` that is neither auth nor quota nor
 * throttling is "JSON without the records array" → json_parse_error (retried, then a gap); and a body
 * over the byte cap on a 2xx is json_parse_error too ("response body exceeded the N MB cap"): the
 * server did answer, the payload is unusable, and a retry may get a sane page.
 */
import type { AttemptResult, HttpAttempt } from '../api/index.ts';
import type { DeferReason, ErrorType } from '../platform/index.ts';
import {
  isAuthErrorCode,
  isDailyQuota,
  isScopeErrorCode,
  looksThrottled,
  mentionsInvalidToken,
} from './body-signals.ts';
import { parseRetryAfterMs } from './retry-after.ts';

export interface AttemptFailure {
  errorType: ErrorType;
  /** Operator text; never contains a token. */
  errorMessage: string;
  httpStatus: number | null;
  /** Raw body sample (≤ 1 KB); the logger and the gaps writer redact it. */
  responseSample: string | null;
  /** Server-requested wait from Retry-After, already parsed; null when absent or unusable. */
  retryAfterMs: number | null;
  /** Set only for `rate_limit_deferred`: here `daily_quota`; decide.ts's limits add `rate_limited`. */
  deferReason: QuotaDeferReason | null;
}

export type Classification<T> = { kind: 'ok'; value: T } | { kind: 'failure'; failure: AttemptFailure };

/** The defer reasons a single response can carry (throttling defers come from the loop). */
type QuotaDeferReason = Extract<DeferReason, 'rate_limited' | 'daily_quota'>;

export interface ClassifyContext {
  /** Local clock, used for an HTTP-date Retry-After when the response has no Date header. */
  nowMs: number;
}

function httpLabel(result: HttpAttempt<unknown>): string {
  const label = `HTTP ${result.status} ${result.statusText}`.trim();
  const body = result.body;
  switch (body.kind) {
    case 'api_error':
      return `${label}: ${[body.errorCode, body.errorMessage].filter((part) => part !== null).join(': ')}`;
    case 'not_json':
      return `${label}: ${body.html ? 'HTML page' : 'non-JSON text'} instead of JSON`;
    case 'invalid':
      return `${label}: ${body.reason}`;
    case 'too_large':
      return `${label}: response body exceeded the ${body.limitBytes / (1024 * 1024)} MB cap`;
    case 'parsed':
      return label;
  }
}

export function classifyAttempt<T>(result: AttemptResult<T>, context: ClassifyContext): Classification<T> {
  if (result.kind === 'transport') {
    return {
      kind: 'failure',
      failure: {
        errorType: 'network_timeout',
        errorMessage: result.message,
        httpStatus: result.httpStatus,
        responseSample: null,
        retryAfterMs: null,
        deferReason: null,
      },
    };
  }
  const { status, body } = result;
  const success = status >= 200 && status < 300;
  if (success && body.kind === 'parsed') return { kind: 'ok', value: body.value };

  const retryAfterMs = parseRetryAfterMs(result.retryAfter, context.nowMs, result.date);
  const fail = (errorType: ErrorType, deferReason: QuotaDeferReason | null = null): Classification<T> => ({
    kind: 'failure',
    failure: {
      errorType,
      errorMessage: httpLabel(result),
      httpStatus: status,
      responseSample: result.bodySample === '' ? null : result.bodySample,
      retryAfterMs,
      deferReason,
    },
  });

  const code = body.kind === 'api_error' ? body.errorCode : null;
  // Quota / auth wording is only searched in error bodies, never in a page of records.
  const text =
    body.kind === 'parsed'
      ? ''
      : `${body.kind === 'api_error' ? body.errorMessage : ''}\n${result.bodySample}`;
  if (isDailyQuota(code, text)) return fail('rate_limit_deferred', 'daily_quota');
  if (status === 401 || isAuthErrorCode(code) || mentionsInvalidToken(text)) return fail('401_unauthorized');
  if (status === 403 || isScopeErrorCode(code)) return fail('403_forbidden');
  if (status === 429) return fail('429_rate_limit');
  if (status >= 500) return fail('5xx_server_error');
  if (!success) return fail('unknown_error');

  switch (body.kind) {
    case 'not_json':
    case 'api_error':
      return looksThrottled(text) ? fail('throttled') : fail('json_parse_error');
    case 'invalid':
    case 'too_large':
    case 'parsed':
      return fail('json_parse_error');
  }
}
