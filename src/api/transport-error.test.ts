import { describe, expect, it } from 'vitest';
import { fetchFailed } from '../../test/support/fake-fetch.ts';
import { describeTransportError } from './transport-error.ts';

const BEFORE_HEADERS = { timedOut: false, timeoutMs: 30_000, httpStatus: null };

describe('describeTransportError', () => {
  it.each([
    [fetchFailed('ECONNREFUSED'), 'connection_refused', 'connection refused (ECONNREFUSED)'],
    [fetchFailed('ECONNRESET'), 'connection_reset', 'connection reset (ECONNRESET)'],
    [fetchFailed('UND_ERR_SOCKET'), 'connection_reset', 'connection reset (UND_ERR_SOCKET)'],
    [fetchFailed('UND_ERR_HEADERS_TIMEOUT'), 'timeout', 'request timed out after 30000 ms'],
    [fetchFailed('ENOTFOUND'), 'network_error', 'network error (ENOTFOUND)'],
    [new TypeError('fetch failed'), 'network_error', 'network error'],
    ['a string', 'network_error', 'network error'],
  ])('%s → %s', (error, failure, message) => {
    expect(describeTransportError(error, BEFORE_HEADERS)).toEqual({
      kind: 'transport',
      failure,
      message,
      httpStatus: null,
    });
  });

  it('a failure after headers is a truncated body, unless the timeout fired', () => {
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(describeTransportError(terminated, { ...BEFORE_HEADERS, httpStatus: 200 }).failure).toBe(
      'truncated_body',
    );
    expect(describeTransportError(terminated, { timedOut: true, timeoutMs: 200, httpStatus: 200 })).toEqual({
      kind: 'transport',
      failure: 'timeout',
      message: 'request timed out after 200 ms',
      httpStatus: 200,
    });
  });
});
