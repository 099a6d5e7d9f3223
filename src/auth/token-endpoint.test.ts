import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { DEFAULT_CONFIG } from '../../test/support/settings.ts';
import { LIMITS } from '../config/index.ts';
import { ExtractorError, type FetchLike } from '../platform/index.ts';
import { requestAccessToken } from './token-endpoint.ts';

const SECRET = 'canary-secret-Zx81';
const REFRESH = 'canary-refresh-Qp42';
const TOKEN = 'canary-access-Tk99';
const credentials = {
  kind: 'refresh_token',
  clientId: '1000.ID',
  clientSecret: SECRET,
  refreshToken: REFRESH,
} as const;

type Step = { status: number; body: string } | Error;

/** A scripted fetch: answers in order, repeating the last step; records every call. */
function scriptedFetch(...steps: Step[]): {
  fetch: FetchLike;
  calls: { url: string; init: RequestInit | undefined }[];
} {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: FetchLike = (input, init) => {
    calls.push({ url: String(input), init });
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (step === undefined) throw new Error('no scripted step');
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(new Response(step.body, { status: step.status }));
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown): Step => ({ status, body: JSON.stringify(body) });

async function run(fetch: FetchLike, clock = new FakeClock(), extra = {}): Promise<unknown> {
  return requestAccessToken({
    accountsUrl: 'https://accounts.example',
    credentials,
    fetch,
    clock,
    timeoutMs: 1000,
    backoffBaseMs: DEFAULT_CONFIG.backoffBaseMs,
    retries: LIMITS.tokenEndpointRetries,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<ExtractorError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractorError);
  const message = (error as ExtractorError).message;
  for (const secret of [SECRET, REFRESH, TOKEN]) expect(message).not.toContain(secret);
  return error as ExtractorError;
}

describe('requestAccessToken', () => {
  it('POSTs the refresh grant as a form body, never in the URL', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' }),
    );
    await expect(run(fetch)).resolves.toEqual({ accessToken: TOKEN, ttlS: 3600 });
    expect(calls).toHaveLength(1);
    const call = calls[0];
    expect(call?.url).toBe('https://accounts.example/oauth/v2/token');
    expect(call?.init?.method).toBe('POST');
    expect(new Headers(call?.init?.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call?.init?.body as string);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      client_id: '1000.ID',
      client_secret: SECRET,
      refresh_token: REFRESH,
    });
    expect(call?.url).not.toContain(SECRET);
  });

  it.each([
    [{ access_token: TOKEN }, null],
    [{ access_token: TOKEN, expires_in: '3600' }, 3600],
    [{ access_token: TOKEN, expires_in: 3_600_000, expires_in_sec: 3600 }, 3600],
    [{ access_token: TOKEN, expires_in: 3_600_000 }, 3600],
    [{ access_token: TOKEN, expires_in: 0 }, null],
    [{ access_token: TOKEN, expires_in: 'soon' }, null],
  ])('reads the TTL from %j', async (body, ttlS) => {
    await expect(run(scriptedFetch(json(200, body)).fetch)).resolves.toEqual({ accessToken: TOKEN, ttlS });
  });

  it.each([200, 400])(
    'invalid_code (HTTP %i) is credentials_rejected after exactly one request',
    async (status) => {
      const { fetch, calls } = scriptedFetch(json(status, { error: 'invalid_code' }));
      const clock = new FakeClock();
      const error = await failure(run(fetch, clock));
      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toContain('invalid_code');
      expect(error.message).toContain('PMP_REFRESH_TOKEN');
      expect(calls).toHaveLength(1);
      expect(clock.sleeps).toEqual([]);
    },
  );

  it('invalid_client is credentials_rejected and names the client variables', async () => {
    const { fetch, calls } = scriptedFetch(json(401, { error: 'invalid_client' }));
    const error = await failure(run(fetch));
    expect(error.code).toBe('credentials_rejected');
    expect(error.message).toContain('PMP_CLIENT_SECRET');
    expect(error.message).toContain('https://accounts.example');
    expect(calls).toHaveLength(1);
  });

  it('a redirect is fatal at once: retrying would only spend the token budget', async () => {
    const { fetch, calls } = scriptedFetch({ status: 302, body: '' });
    const error = await failure(run(fetch));
    expect(error.code).toBe('token_unavailable');
    expect(error.message).toContain('redirect (HTTP 302)');
    expect(calls).toHaveLength(1);
  });

  const denied = {
    error_description: 'You have made too many requests continuously. Please try again after some time.',
    error: 'Access Denied',
    status: 'failure',
  };
  it.each([
    ['Access Denied, HTTP 200', json(200, denied)],
    ['Access Denied, HTTP 400', json(400, denied)],
    ['a too-many-requests description only', json(400, { error_description: 'Too many requests' })],
    ['HTTP 429', { status: 429, body: '{}' }],
  ])('%s is token_throttled without retries', async (_label, step) => {
    const { fetch, calls } = scriptedFetch(step);
    const error = await failure(run(fetch));
    expect(error.code).toBe('token_throttled');
    expect(calls).toHaveLength(1);
  });

  it('retries a 5xx three times with 1 s, 2 s, 4 s, then token_unavailable', async () => {
    const { fetch, calls } = scriptedFetch({ status: 503, body: 'unavailable' });
    const clock = new FakeClock();
    const error = await failure(run(fetch, clock));
    expect(error.code).toBe('token_unavailable');
    expect(error.message).toContain('HTTP 503');
    expect(calls).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('scales the backoff by backoffBaseMs and recovers', async () => {
    const ok = json(200, { access_token: TOKEN, expires_in: 3600 });
    const { fetch } = scriptedFetch(json(502, { error: 'bad gateway' }), { status: 200, body: '<html>' }, ok);
    const clock = new FakeClock();
    await expect(run(fetch, clock, { backoffBaseMs: 10 })).resolves.toMatchObject({ accessToken: TOKEN });
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('retries network errors and timeouts, reporting only the errno', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    const { fetch, calls } = scriptedFetch(refused, timeout, new TypeError('fetch failed'));
    const error = await failure(run(fetch));
    expect(calls).toHaveLength(4);
    expect(error.code).toBe('token_unavailable');
    expect(error.message).toContain('last: network error');
    const first = await failure(run(scriptedFetch(refused).fetch, new FakeClock(), { retries: 0 }));
    expect(first.message).toContain('network error ECONNREFUSED');
    const timed = await failure(run(scriptedFetch(timeout).fetch, new FakeClock(), { retries: 0 }));
    expect(timed.message).toContain('timed out after 1000 ms');
    const plain = await failure(
      run(scriptedFetch(new TypeError('x')).fetch, new FakeClock(), { retries: 0 }),
    );
    expect(plain.message).toContain('network error (TypeError)');
    // A non-Error rejection, as a misbehaving fetch polyfill might produce.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const odd: FetchLike = () => Promise.reject(new Map());
    expect((await failure(run(odd, new FakeClock(), { retries: 0 }))).message).toContain(
      '(last: network error)',
    );
  });

  it.each([
    ['an unknown error code', json(400, { error: 'invalid_request <script>' }), 'invalid_request script'],
    ['an empty error code', json(400, { error: '@@@' }), 'unknown error'],
    ['a 4xx without an error key', json(404, {}), 'HTTP 404 without a token'],
    ['a 200 without access_token', json(200, { token_type: 'Bearer' }), 'without a usable access_token'],
  ])('%s is token_unavailable without retries', async (_label, step, text) => {
    const { fetch, calls } = scriptedFetch(step);
    const error = await failure(run(fetch));
    expect(error.code).toBe('token_unavailable');
    expect(error.message).toContain(text);
    expect(calls).toHaveLength(1);
  });

  it('stops retrying when the caller aborts', async () => {
    const controller = new AbortController();
    const fetch: FetchLike = () => {
      controller.abort(new Error('shutdown'));
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    };
    await expect(run(fetch, new FakeClock(), { signal: controller.signal })).rejects.toThrow('shutdown');
  });

  it('spends the budget before every request and stops when it throws', async () => {
    const { fetch, calls } = scriptedFetch({ status: 500, body: '' });
    let spent = 0;
    const beforeRequest = (): void => {
      spent++;
      if (spent === 3) throw new ExtractorError('token_budget_exhausted', 'spent');
    };
    const error = await failure(run(fetch, new FakeClock(), { beforeRequest }));
    expect(error.code).toBe('token_budget_exhausted');
    expect(calls).toHaveLength(2);
  });
});
