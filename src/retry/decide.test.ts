import { describe, expect, it } from 'vitest';
import type { ErrorType } from '../platform/index.ts';
import type { AttemptFailure } from './classify.ts';
import { actionOf, decideNext } from './decide.ts';
import { DEFAULT_RETRY_POLICY } from './policy.ts';

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
