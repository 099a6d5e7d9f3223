import { describe, expect, it } from 'vitest';
import type { ErrorType } from '../platform/index.ts';
import { DEFAULT_RETRY_POLICY } from '../../test/support/settings.ts';
import type { AttemptFailure } from './classify.ts';
import { actionOf, applyLimits, decideNext } from './decide.ts';

const failure = (errorType: ErrorType, extra: Partial<AttemptFailure> = {}): AttemptFailure => ({
  errorType,
  errorMessage: 'x',
  httpStatus: null,
  responseSample: null,
  retryAfterMs: null,
  deferReason: null,
  ...extra,
});
const state = { attempt: 1, consecutiveAuthFailures: 0, previousWasForbidden: false };

describe('applyLimits', () => {
  const policy = { maxRetryAfterS: 300 };

  it.each<[string, AttemptFailure, string]>([
    ['429 Retry-After 300 s (= max)', failure('429_rate_limit', { retryAfterMs: 300_000 }), '429_rate_limit'],
    [
      '429 Retry-After 301 s (> max)',
      failure('429_rate_limit', { retryAfterMs: 301_000 }),
      'rate_limit_deferred',
    ],
    ['429 without Retry-After', failure('429_rate_limit'), '429_rate_limit'],
    [
      'throttle page, Retry-After 900 s',
      failure('throttled', { retryAfterMs: 900_000 }),
      'rate_limit_deferred',
    ],
    ['throttle page, Retry-After 60 s', failure('throttled', { retryAfterMs: 60_000 }), 'throttled'],
    [
      '503 Retry-After 900 s (not a wait we honour)',
      failure('5xx_server_error', { retryAfterMs: 900_000 }),
      '5xx_server_error',
    ],
  ])('%s → %s', (_label, seen, expected) => {
    expect(applyLimits(seen, policy).errorType).toBe(expected);
  });

  it('marks a wait past the limit rate_limited and keeps what the attempt saw', () => {
    const seen = failure('throttled', { retryAfterMs: 900_000, httpStatus: 200, errorMessage: 'HTTP 200' });
    expect(applyLimits(seen, policy)).toEqual({
      ...seen,
      errorType: 'rate_limit_deferred',
      deferReason: 'rate_limited',
    });
    expect(applyLimits(seen, { maxRetryAfterS: 900 })).toBe(seen);
  });

  it('leaves a daily quota deferred as classified', () => {
    const quota = failure('rate_limit_deferred', { deferReason: 'daily_quota', retryAfterMs: 600_000 });
    expect(applyLimits(quota, policy)).toBe(quota);
  });
});

describe('decideNext', () => {
  it('aborts a 403 after three consecutive auth failures even without a previous 403', () => {
    expect(
      decideNext(failure('403_forbidden'), { ...state, consecutiveAuthFailures: 3 }, DEFAULT_RETRY_POLICY),
    ).toMatchObject({
      kind: 'abort',
    });
  });

  it('defers with the server-given Retry-After rounded up to seconds', () => {
    const decision = decideNext(
      failure('rate_limit_deferred', { retryAfterMs: 301_500, deferReason: 'rate_limited' }),
      state,
      DEFAULT_RETRY_POLICY,
    );
    expect(decision).toMatchObject({ kind: 'defer', deferReason: 'rate_limited', retryAfterS: 302 });
  });

  it('a deferred class without a reason defaults to rate_limited', () => {
    expect(decideNext(failure('rate_limit_deferred'), state, DEFAULT_RETRY_POLICY)).toMatchObject({
      deferReason: 'rate_limited',
      retryAfterS: null,
    });
  });

  it('maps each decision to the logged action', () => {
    expect(
      [
        { kind: 'refresh' as const },
        { kind: 'retry' as const, delayMs: 1, reason: '' },
        { kind: 'gap' as const, reason: '' },
        { kind: 'defer' as const, deferReason: 'throttled' as const, retryAfterS: null, reason: '' },
        { kind: 'abort' as const, reason: '' },
      ].map(actionOf),
    ).toEqual(['refresh_token', 'retry', 'skip_page', 'defer_run', 'abort']);
  });
});

describe('HTTP 431 (D50)', () => {
  it('aborts at once: the access token is too large for the server, a refresh or a retry cannot fix it', () => {
    const seen = failure('unknown_error', { httpStatus: 431, errorMessage: 'HTTP 431' });
    const decision = decideNext(seen, state, DEFAULT_RETRY_POLICY);
    expect(decision.kind).toBe('abort');
    expect(decision.kind === 'abort' ? decision.reason : '').toMatch(/access token is too large/);
  });
});
