import { describe, expect, it } from 'vitest';
import { parseScanDetailsPage } from '../api/index.ts';
import type { AttemptResult, HttpAttempt, ParsedPage, TransportFailure } from '../api/index.ts';
import { scanDetailsPayload } from '../../test/support/fake-fetch.ts';
import { classifyAttempt } from './classify.ts';

const NOW_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
const CONTEXT = { nowMs: NOW_MS };

function http(
  status: number,
  text: string,
  headers: { retryAfter?: string; date?: string } = {},
): HttpAttempt<ParsedPage> {
  return {
    kind: 'http',
    status,
    statusText: '',
    retryAfter: headers.retryAfter ?? null,
    date: headers.date ?? null,
    contentType: 'text/plain',
    bodySample: text.slice(0, 1024),
    body: parseScanDetailsPage(text, { page: 1, pageSize: 25 }),
  };
}

const transport = (failure: TransportFailure): AttemptResult<ParsedPage> => ({
  kind: 'transport',
  failure,
  message: failure,
  httpStatus: null,
});

const classOf = (result: AttemptResult<ParsedPage>): string => {
  const classified = classifyAttempt(result, CONTEXT);
  return classified.kind === 'ok' ? 'ok' : classified.failure.errorType;
};

const PAGE = scanDetailsPayload({
  page: 1,
  total: 3362,
  records: [{ resource_id: 1, 'resource.name': 'a' }],
});
const THROTTLE_HTML =
  '<!DOCTYPE html><html><body>Please wait while your request is being processed</body></html>';
const json = (body: unknown): string => JSON.stringify(body);

describe('classifyAttempt: D4 rows', () => {
  it.each<[string, AttemptResult<ParsedPage>, string]>([
    ['200 page', http(200, PAGE), 'ok'],
    ['401', http(401, json({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' })), '401_unauthorized'],
    ['401 with empty body', http(401, ''), '401_unauthorized'],
    [
      '200 + in-body INVALID_OAUTHTOKEN',
      http(200, json({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' })),
      '401_unauthorized',
    ],
    [
      '400 + Zoho {code, message}',
      http(400, json({ code: 'INVALID_TOKEN', message: 'invalid oauth token' })),
      '401_unauthorized',
    ],
    [
      '200 + on-prem ErrorCode',
      http(200, json({ ErrorCode: 'UNAUTHORIZED', ErrorMsg: 'no' })),
      '401_unauthorized',
    ],
    ['403', http(403, json({ status: 'error', error_code: 'PERMISSION_DENIED' })), '403_forbidden'],
    [
      '200 + scope mismatch',
      http(200, json({ status: 'error', error_code: 'OAUTH_SCOPE_MISMATCH' })),
      '403_forbidden',
    ],
    ['429 without Retry-After', http(429, 'Too Many Requests'), '429_rate_limit'],
    // However long the wait: PMP_MAX_RETRY_AFTER_S is decide.ts's (applyLimits), not classification's.
    ['429 Retry-After 3600', http(429, '', { retryAfter: '3600' }), '429_rate_limit'],
    [
      'daily quota error_code',
      http(200, json({ status: 'error', error_code: 'API_LIMIT_EXCEEDED' })),
      'rate_limit_deferred',
    ],
    [
      'daily limit text on 429',
      http(429, 'You have reached the daily limit of API calls'),
      'rate_limit_deferred',
    ],
    ['daily quota on 403', http(403, json({ error: 'Daily quota exceeded' })), 'rate_limit_deferred'],
    ['200 HTML throttle page', http(200, THROTTLE_HTML), 'throttled'],
    ['200 plain-text too many requests', http(200, 'Too many requests, slow down'), 'throttled'],
    [
      '200 JSON error saying too many requests',
      http(200, json({ status: 'error', error_description: 'Too many requests' })),
      'throttled',
    ],
    ['200 other HTML', http(200, '<html><body>Internal Server Error</body></html>'), 'json_parse_error'],
    ['200 unparseable JSON', http(200, '{"message_response": {"total": 3'), 'json_parse_error'],
    ['200 empty body', http(200, ''), 'json_parse_error'],
    [
      '200 JSON without records array',
      http(200, json({ message_response: { total: 5, limit: 25, page: 1 } })),
      'json_parse_error',
    ],
    ['200 JSON without message_response', http(200, json({ status: 'success' })), 'json_parse_error'],
    [
      '200 status:error other code',
      http(200, json({ status: 'error', error_code: 'PATCH_SCAN_FAILED_CODE' })),
      'json_parse_error',
    ],
    [
      '500 JSON',
      http(500, json({ error_code: 'INTERNAL_ERROR', error_description: 'dc.rest.api_internal_error' })),
      '5xx_server_error',
    ],
    [
      '503 HTML',
      http(503, '<html><body>503 Service Temporarily Unavailable</body></html>'),
      '5xx_server_error',
    ],
    ['502 with a parseable page', http(502, PAGE), '5xx_server_error'],
    ['timeout', transport('timeout'), 'network_timeout'],
    ['connection reset', transport('connection_reset'), 'network_timeout'],
    ['connection refused', transport('connection_refused'), 'network_timeout'],
    ['truncated body', transport('truncated_body'), 'network_timeout'],
    ['other network error', transport('network_error'), 'network_timeout'],
    ['400', http(400, json({ status: 'error', error_code: 'INVALID_INPUT' })), 'unknown_error'],
    ['404', http(404, '<html>Not Found</html>'), 'unknown_error'],
    ['418', http(418, "I'm a teapot"), 'unknown_error'],
    ['304 (not followed)', http(304, ''), 'unknown_error'],
  ])('%s → %s', (_label, result, expected) => {
    expect(classOf(result)).toBe(expected);
  });

  it('a body over the cap on a 2xx is json_parse_error with the cap in the message', () => {
    const result: AttemptResult<ParsedPage> = {
      ...http(200, ''),
      body: { kind: 'too_large', limitBytes: 10 * 1024 * 1024 },
    };
    const classified = classifyAttempt(result, CONTEXT);
    expect(classified).toMatchObject({
      kind: 'failure',
      failure: {
        errorType: 'json_parse_error',
        errorMessage: 'HTTP 200: response body exceeded the 10 MB cap',
      },
    });
  });

  it('keeps status, sample and parsed Retry-After for the loop and the logs', () => {
    const classified = classifyAttempt(
      { ...http(429, 'slow down', { retryAfter: '7' }), statusText: 'Too Many Requests' },
      CONTEXT,
    );
    expect(classified).toEqual({
      kind: 'failure',
      failure: {
        errorType: '429_rate_limit',
        errorMessage: 'HTTP 429 Too Many Requests: non-JSON text instead of JSON',
        httpStatus: 429,
        responseSample: 'slow down',
        retryAfterMs: 7000,
        deferReason: null,
      },
    });
  });

  it('marks a daily quota as deferred; long waits keep their class and parsed Retry-After', () => {
    const quota = classifyAttempt(
      http(200, json({ status: 'error', error_code: 'API_LIMIT_EXCEEDED' })),
      CONTEXT,
    );
    const long = classifyAttempt(http(429, '', { retryAfter: '3600' }), CONTEXT);
    const longThrottle = classifyAttempt(http(200, THROTTLE_HTML, { retryAfter: '900' }), CONTEXT);
    expect(quota.kind === 'failure' && quota.failure.deferReason).toBe('daily_quota');
    expect(long.kind === 'failure' && long.failure).toMatchObject({
      errorType: '429_rate_limit',
      retryAfterMs: 3_600_000,
      deferReason: null,
    });
    expect(longThrottle.kind === 'failure' && longThrottle.failure).toMatchObject({
      errorType: 'throttled',
      retryAfterMs: 900_000,
      deferReason: null,
    });
  });

  it('does not read quota or auth words inside a good page of records', () => {
    const page = scanDetailsPayload({
      page: 1,
      total: 1,
      records: [{ resource_id: 1, description: 'daily limit INVALID_OAUTHTOKEN' }],
    });
    expect(classOf(http(200, page))).toBe('ok');
  });
});
