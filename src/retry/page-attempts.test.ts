import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/index.ts';
import { type Clock, ExtractorError, systemClock } from '../platform/index.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { recordingLogger } from '../../test/support/recording-logger.ts';
import {
  createFakeFetch,
  fetchFailed,
  jsonResponse,
  scanDetailsPayload,
  textResponse,
} from '../../test/support/fake-fetch.ts';
import type { ScriptStep } from '../../test/support/fake-fetch.ts';
import { API_CLIENT_DEFAULTS, DEFAULT_RETRY_POLICY } from '../../test/support/settings.ts';
import { createPacer } from './pacer.ts';
import { fetchPageWithRetry } from './page-attempts.ts';
import type { RetryPolicy } from './policy.ts';
import type { TokenSource } from './token-source.ts';

function countingTokens(): TokenSource & { refreshes: number } {
  const tokens = {
    refreshes: 0,
    getAccessToken: () => Promise.resolve(`token-${tokens.refreshes}`),
    refreshAfterAuthFailure: () => {
      tokens.refreshes += 1;
      return Promise.resolve(`token-${tokens.refreshes}`);
    },
  };
  return tokens;
}

const okPage = (): Response =>
  jsonResponse(
    scanDetailsPayload({ page: 1, total: 50, records: [{ resource_id: 7, 'resource.name': 'a' }] }),
  );
const status =
  (code: number, body = '', headers: Record<string, string> = {}) =>
  (): Response =>
    textResponse(body, { status: code, headers });
const CORRUPT = (): Response => textResponse('<html><body>Internal Server Error</body></html>');
const THROTTLE = (): Response => textResponse('<!DOCTYPE html><html>Please wait: too many requests</html>');

function setup(
  script: ScriptStep[],
  options: { policy?: RetryPolicy; clock?: Clock; spacingMs?: number } = {},
) {
  const clock = options.clock ?? new FakeClock();
  const fake = createFakeFetch(script);
  const pacer = createPacer(clock, options.spacingMs ?? 0);
  const client = createApiClient({
    baseUrl: 'https://pmp.test',
    http: fake.http,
    pacer,
    ...API_CLIENT_DEFAULTS,
  });
  const tokens = countingTokens();
  const logger = recordingLogger();
  const controller = new AbortController();
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const failedClasses: string[] = [];
  const run = () =>
    fetchPageWithRetry(1, {
      client,
      tokens,
      clock,
      logger,
      policy,
      signal: controller.signal,
      onAttemptFailed: (failure) => {
        failedClasses.push(failure.errorType);
      },
    });
  const failures = () => logger.events.filter((event) => event.type === 'page_extraction_failed');
  return { run, clock, fake, tokens, logger, controller, failures, failedClasses };
}

const sleepsOf = (clock: Clock): number[] => (clock instanceof FakeClock ? clock.sleeps : []);

describe('fetchPageWithRetry: retryable classes', () => {
  it('scenario 3: 503, 503, 200 → recovered after 1 s and 2 s', async () => {
    const t = setup([status(503), status(503), okPage]);
    const outcome = await t.run();
    expect(outcome).toMatchObject({ kind: 'ok', attempts: 3 });
    expect(sleepsOf(t.clock)).toEqual([1000, 2000]);
    expect(t.failures().map((event) => [event.fields['action'], event.fields['delay_ms']])).toEqual([
      ['retry', 1000],
      ['retry', 2000],
    ]);
  });

  it('scenario 4: HTML ×3 → gap json_parse_error after 3 attempts, sleeps 1 s and 2 s', async () => {
    const t = setup([CORRUPT, CORRUPT, CORRUPT]);
    const outcome = await t.run();
    expect(outcome).toEqual({
      kind: 'gap',
      errorType: 'json_parse_error',
      errorMessage: 'HTTP 200: HTML page instead of JSON',
      responseSample: '<html><body>Internal Server Error</body></html>',
      attempts: 3,
      httpStatus: 200,
    });
    expect(sleepsOf(t.clock)).toEqual([1000, 2000]);
    const last = t.failures().at(-1);
    expect(last?.fields).toEqual({
      page: 1,
      attempt: 3,
      max_attempts: 3,
      http_status: 200,
      error_type: 'json_parse_error',
      error_message: 'HTTP 200: HTML page instead of JSON',
      response_sample: '<html><body>Internal Server Error</body></html>',
      action: 'skip_page',
      delay_ms: null,
    });
    expect(last?.level).toBe('ERROR');
  });

  it('backoff follows the configured base and attempt count', async () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 4, backoffBaseMs: 10 };
    const t = setup([status(500), status(502), status(504), status(500)], { policy });
    expect(await t.run()).toMatchObject({ kind: 'gap', errorType: '5xx_server_error', attempts: 4 });
    expect(sleepsOf(t.clock)).toEqual([10, 20, 40]);
  });

  it('network failures back off and recover', async () => {
    const t = setup([fetchFailed('ECONNREFUSED'), fetchFailed('UND_ERR_SOCKET'), okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 3 });
    expect(sleepsOf(t.clock)).toEqual([1000, 2000]);
    expect(t.failures().map((event) => event.fields['error_message'])).toEqual([
      'connection refused (ECONNREFUSED)',
      'connection reset (UND_ERR_SOCKET)',
    ]);
  });

  it('each attempt is classified on its own: 503, timeout, HTML → gap of the last class', async () => {
    const t = setup([status(503), fetchFailed('UND_ERR_HEADERS_TIMEOUT'), CORRUPT]);
    expect(await t.run()).toMatchObject({ kind: 'gap', errorType: 'json_parse_error', attempts: 3 });
    expect(t.failures().map((event) => event.fields['error_type'])).toEqual([
      '5xx_server_error',
      'network_timeout',
      'json_parse_error',
    ]);
  });
});

describe('fetchPageWithRetry: 429 and Retry-After', () => {
  it('waits Retry-After seconds: 7 → 7000 ms', async () => {
    const t = setup([status(429, '', { 'retry-after': '7' }), okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(sleepsOf(t.clock)).toEqual([7000]);
  });

  it('measures an HTTP-date against the response Date header: 120 s ahead → 120000 ms', async () => {
    const serverNowMs = Date.UTC(2026, 0, 1, 0, 0, 0); // server clock far from the local FakeClock
    const headers = {
      date: new Date(serverNowMs).toUTCString(),
      'retry-after': new Date(serverNowMs + 120_000).toUTCString(),
    };
    const t = setup([status(429, '', headers), okPage]);
    await t.run();
    expect(sleepsOf(t.clock)).toEqual([120_000]);
  });

  it.each(['0', 'soon'])('Retry-After %j falls back to backoff', async (value) => {
    const t = setup([status(429, '', { 'retry-after': value }), status(429), okPage]);
    await t.run();
    expect(sleepsOf(t.clock)).toEqual([1000, 2000]);
  });

  it('429 on every attempt → gap after the last', async () => {
    const t = setup([1, 2, 3].map(() => status(429, '', { 'retry-after': '5' })));
    expect(await t.run()).toMatchObject({
      kind: 'gap',
      errorType: '429_rate_limit',
      attempts: 3,
      httpStatus: 429,
    });
    expect(sleepsOf(t.clock)).toEqual([5000, 5000]);
  });

  it('Retry-After 301 s with a 300 s maximum → defer at once, no sleep, no gap', async () => {
    const t = setup([status(429, '', { 'retry-after': '301' })]);
    expect(await t.run()).toMatchObject({
      kind: 'defer',
      reason: 'rate_limited',
      retryAfterS: 301,
      attempts: 1,
    });
    expect(sleepsOf(t.clock)).toEqual([]);
    expect(t.failures()[0]?.fields).toMatchObject({ action: 'defer_run', error_type: 'rate_limit_deferred' });
    expect(t.failedClasses).toEqual(['rate_limit_deferred']);
  });

  it('a daily-quota answer defers at once', async () => {
    const t = setup([
      () => jsonResponse({ status: 'error', error_code: 'API_LIMIT_EXCEEDED' }, { status: 403 }),
    ]);
    expect(await t.run()).toMatchObject({ kind: 'defer', reason: 'daily_quota', retryAfterS: null });
    expect(t.tokens.refreshes).toBe(0);
  });
});

describe('fetchPageWithRetry: throttle pages', () => {
  it('waits 60 s per throttle page and recovers', async () => {
    const t = setup([THROTTLE, okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(sleepsOf(t.clock)).toEqual([60_000]);
  });

  it('still throttled after the last attempt → defer, not a gap', async () => {
    const t = setup([THROTTLE, THROTTLE, THROTTLE]);
    expect(await t.run()).toMatchObject({ kind: 'defer', reason: 'throttled', retryAfterS: 60, attempts: 3 });
    expect(sleepsOf(t.clock)).toEqual([60_000, 60_000]);
  });

  it('a longer Retry-After on a throttle page is not shortened', async () => {
    const t = setup([status(200, 'Please wait', { 'retry-after': '90' }), okPage]);
    await t.run();
    expect(sleepsOf(t.clock)).toEqual([90_000]);
  });
});

describe('fetchPageWithRetry: auth (D3)', () => {
  const unauthorized = () =>
    jsonResponse({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' }, { status: 401 });

  it('401 → refresh and replay at once, without spending an attempt', async () => {
    const t = setup([unauthorized, okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 1 });
    expect(t.tokens.refreshes).toBe(1);
    expect(sleepsOf(t.clock)).toEqual([]);
    expect(t.fake.calls.map((call) => call.headers['authorization'])).toEqual([
      'Zoho-oauthtoken token-0',
      'Zoho-oauthtoken token-1',
    ]);
    expect(t.failures()[0]?.fields).toMatchObject({ action: 'refresh_token', delay_ms: 0, attempt: 1 });
  });

  it('calls onAttemptFailed for every failed attempt: 401 replay and last attempt of a gap too', async () => {
    const t = setup([unauthorized, status(503), CORRUPT, CORRUPT]);
    expect(await t.run()).toMatchObject({ kind: 'gap', errorType: 'json_parse_error', attempts: 3 });
    expect(t.failedClasses).toEqual([
      '401_unauthorized',
      '5xx_server_error',
      'json_parse_error',
      'json_parse_error',
    ]);
    expect(t.failedClasses).toEqual(t.failures().map((event) => event.fields['error_type']));
  });

  it('an in-body auth error on HTTP 200 is handled like a 401', async () => {
    const t = setup([() => jsonResponse({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' }), okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 1 });
    expect(t.tokens.refreshes).toBe(1);
  });

  it('three consecutive 401s abort with auth_aborted after two refreshes', async () => {
    const t = setup([unauthorized, unauthorized, unauthorized]);
    const error = await t.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).code).toBe('auth_aborted');
    expect((error as ExtractorError).message).not.toContain('token-');
    expect(t.tokens.refreshes).toBe(2);
    expect(t.failures().map((event) => event.fields['action'])).toEqual([
      'refresh_token',
      'refresh_token',
      'abort',
    ]);
    expect(t.failures().at(-1)?.level).toBe('ERROR');
  });

  it('auth failures interrupted by another class do not count as consecutive', async () => {
    const t = setup([unauthorized, unauthorized, status(503), unauthorized, okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(t.tokens.refreshes).toBe(3);
    expect(sleepsOf(t.clock)).toEqual([1000]);
  });

  it('403 → one refresh; a second consecutive 403 aborts', async () => {
    const t = setup([status(403), status(403)]);
    await expect(t.run()).rejects.toMatchObject({ code: 'auth_aborted' });
    expect(t.tokens.refreshes).toBe(1);
  });

  it('403 cured by a refresh', async () => {
    const t = setup([status(403), okPage]);
    expect(await t.run()).toMatchObject({ kind: 'ok', attempts: 1 });
  });

  it('token errors propagate unchanged', async () => {
    const t = setup([unauthorized]);
    t.tokens.refreshAfterAuthFailure = () =>
      Promise.reject(new ExtractorError('token_throttled', 'Access Denied'));
    await expect(t.run()).rejects.toMatchObject({ code: 'token_throttled' });
  });

  it('the pacer spaces auth replays like any other request', async () => {
    const t = setup([unauthorized, okPage], { spacingMs: 250 });
    await t.run();
    expect(sleepsOf(t.clock)).toEqual([250]);
  });
});

describe('fetchPageWithRetry: gaps without retry, logging, abort', () => {
  it('404 → gap unknown_error after 1 attempt', async () => {
    const t = setup([status(404, 'Not Found')]);
    expect(await t.run()).toMatchObject({
      kind: 'gap',
      errorType: 'unknown_error',
      attempts: 1,
      httpStatus: 404,
    });
    expect(sleepsOf(t.clock)).toEqual([]);
  });

  it('emits a DEBUG retry_decision for each failed attempt', async () => {
    const t = setup([status(503), okPage]);
    await t.run();
    const decisions = t.logger.events.filter((event) => event.type === 'retry_decision');
    expect(decisions.map((event) => event.fields)).toEqual([
      { page: 1, attempt: 1, error_type: '5xx_server_error', delay_ms: 1000, reason: 'backoff' },
    ]);
    expect(decisions[0]?.level).toBeUndefined(); // DEFAULT_LEVELS gives DEBUG
  });

  it('an abort during a backoff sleep rejects with the abort reason and sends nothing more', async () => {
    const reason = new ExtractorError('interrupted', 'SIGTERM');
    const t = setup([THROTTLE, okPage], { clock: systemClock });
    setTimeout(() => {
      t.controller.abort(reason);
    }, 20);
    const startedMs = Date.now();
    await expect(t.run()).rejects.toBe(reason);
    expect(Date.now() - startedMs).toBeLessThan(5000); // the 60 s throttle wait was cut short
    expect(t.fake.calls).toHaveLength(1);
  });

  it('an abort before the first request rejects at once', async () => {
    const t = setup([okPage]);
    t.controller.abort(new Error('SIGINT'));
    await expect(t.run()).rejects.toThrow('SIGINT');
    expect(t.fake.calls).toHaveLength(0);
  });
});
