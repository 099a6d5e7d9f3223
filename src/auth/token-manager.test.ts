import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { DEFAULT_CONFIG } from '../../test/support/settings.ts';
import { LIMITS } from '../config/index.ts';
import { recordingLogger, type RecordedEvent } from '../../test/support/recording-logger.ts';
import type { Credentials } from '../config/index.ts';
import { ExtractorError, type FetchLike } from '../platform/index.ts';
import type { TokenSource } from '../retry/index.ts';
import type { TokenBudgetStore } from './token-budget.ts';
import { createTokenManager, type TokenManagerOptions } from './token-manager.ts';

const SECRET = 'canary-secret-Zx81';
const REFRESH = 'canary-refresh-Qp42';
const credentials: Credentials = {
  kind: 'refresh_token',
  clientId: 'id',
  clientSecret: SECRET,
  refreshToken: REFRESH,
};

function harness(
  overrides: Partial<TokenManagerOptions> = {},
  body: (n: number) => unknown = tokenBody(3600),
) {
  const clock = new FakeClock();
  const logger = recordingLogger();
  const events = logger.events;
  let calls = 0;
  const fetch: FetchLike = () => {
    calls++;
    return Promise.resolve(new Response(JSON.stringify(body(calls))));
  };
  const times: number[] = [];
  const store: TokenBudgetStore = {
    recordTokenRequest: (nowMs) => {
      times.push(nowMs);
      return Promise.resolve();
    },
    countTokenRequestsSince: (sinceMs) => Promise.resolve(times.filter((t) => t > sinceMs).length),
  };
  const options: TokenManagerOptions = {
    credentials,
    accountsUrl: 'https://accounts.example',
    fetch,
    clock,
    logger,
    store,
    timeoutMs: 1000,
    commandTimeoutMs: 1000,
    backoffBaseMs: DEFAULT_CONFIG.backoffBaseMs,
    endpointRetries: LIMITS.tokenEndpointRetries,
    tokenBudget: DEFAULT_CONFIG.tokenBudget,
    ...overrides,
  };
  const refreshes = (): RecordedEvent[] => events.filter((e) => e.type === 'token_refresh');
  return {
    clock,
    events,
    refreshes,
    store,
    options,
    manager: createTokenManager(options),
    fetchCalls: () => calls,
  };
}

function tokenBody(expiresIn?: number): (n: number) => unknown {
  return (n) => ({
    access_token: `canary-token-${n}`,
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
  });
}

describe('token manager lifecycle', () => {
  it('refreshes proactively after 80% of the TTL, not before', async () => {
    const h = harness();
    await expect(h.manager.startBatch()).resolves.toBe('canary-token-1');
    h.clock.advance(2879_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
    expect(h.fetchCalls()).toBe(1);
    h.clock.advance(2_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-2');
    expect(h.refreshes().map((e) => e.fields)).toEqual([
      { reason: 'batch_start', success: true, token_age_s: null, ttl_s: 3600, source: 'refresh_token' },
      { reason: 'proactive', success: true, token_age_s: 2881, ttl_s: 3600, source: 'refresh_token' },
    ]);
    expect(h.refreshes().every((e) => e.level === undefined)).toBe(true);
    expect(h.manager.stats()).toEqual({
      refreshes: { batch_start: 1, proactive: 1, '401': 0 },
      failures: { batch_start: 0, proactive: 0, '401': 0 },
    });
  });

  it('keeps the valid token when a proactive refresh fails, and tries again a minute later', async () => {
    const denied = { error: 'Access Denied', error_description: 'too many requests' };
    const h = harness({}, (n) => (n === 1 ? { access_token: 'canary-token-1', expires_in: 3600 } : denied));
    await h.manager.startBatch();
    h.clock.advance(2881_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
    expect(h.fetchCalls()).toBe(2);
    h.clock.advance(30_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
    expect(h.fetchCalls()).toBe(2); // no new try inside the minute
    h.clock.advance(31_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
    expect(h.fetchCalls()).toBe(3);
    expect(h.manager.stats().failures.proactive).toBe(2);
    // Within a minute of expiry the old token is no longer worth keeping: the failure surfaces.
    h.clock.advance(3600_000 - 2881_000 - 61_000 - 30_000);
    await expect(h.manager.getAccessToken()).rejects.toThrow(/too many requests|Access Denied|throttl/i);
  });

  it('falls back to a 45 s threshold when expires_in is absent', async () => {
    const h = harness({}, tokenBody());
    await h.manager.getAccessToken();
    h.clock.advance(45_000);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
    h.clock.advance(1);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-2');
    expect(h.refreshes().map((e) => [e.fields['reason'], e.fields['ttl_s']])).toEqual([
      ['batch_start', null],
      ['proactive', null],
    ]);
  });

  it('shares one in-flight refresh between concurrent callers', async () => {
    const h = harness();
    const tokens = await Promise.all([h.manager.getAccessToken(), h.manager.getAccessToken()]);
    expect(tokens).toEqual(['canary-token-1', 'canary-token-1']);
    expect(h.fetchCalls()).toBe(1);
    const after401 = await Promise.all([h.manager.refreshAfterAuthFailure(), h.manager.getAccessToken()]);
    expect(after401).toEqual(['canary-token-2', 'canary-token-2']);
    expect(h.fetchCalls()).toBe(2);
  });

  it('forces a refresh after an auth failure and logs the replaced token age', async () => {
    const h = harness();
    await h.manager.startBatch();
    h.clock.advance(12_340);
    await expect(h.manager.refreshAfterAuthFailure()).resolves.toBe('canary-token-2');
    expect(h.refreshes().at(-1)?.fields).toMatchObject({ reason: '401', success: true, token_age_s: 12.3 });
    expect(h.manager.stats().refreshes['401']).toBe(1);
  });

  it('reports a failed refresh at ERROR with a safe message and keeps the old token', async () => {
    const h = harness({}, (n) =>
      n === 1 ? { access_token: 'canary-token-1', expires_in: 3600 } : { error: 'invalid_code' },
    );
    await h.manager.startBatch();
    const error = await h.manager.refreshAfterAuthFailure().catch((e: unknown) => e);
    expect((error as ExtractorError).code).toBe('credentials_rejected');
    const last = h.refreshes().at(-1);
    expect(last?.level).toBe('ERROR');
    expect(last?.fields).toMatchObject({ reason: '401', success: false, ttl_s: null, token_age_s: 0 });
    expect(last?.fields['error_message']).toContain('invalid_code');
    expect(h.manager.stats().failures['401']).toBe(1);
    await expect(h.manager.getAccessToken()).resolves.toBe('canary-token-1');
  });

  it('reports a non-extractor failure by its name only', async () => {
    const h = harness({ fetch: () => Promise.reject(new Error('boom')) });
    const controller = new AbortController();
    controller.abort(new RangeError(`leak ${SECRET}`));
    await expect(h.manager.startBatch(controller.signal)).rejects.toThrow(RangeError);
    expect(h.refreshes()[0]?.fields['error_message']).toBe('RangeError');
    const odd = harness({ fetch: () => Promise.reject(new Error('x')) });
    const aborter = new AbortController();
    aborter.abort('plain string reason');
    await expect(odd.manager.startBatch(aborter.signal)).rejects.toBe('plain string reason');
    expect(odd.refreshes()[0]?.fields['error_message']).toBe('unknown error');
  });

  it('hands every new token to onNewToken (for the log scrubber)', async () => {
    const seen: string[] = [];
    const h = harness({ onNewToken: (token) => seen.push(token) });
    await h.manager.startBatch();
    await h.manager.refreshAfterAuthFailure();
    expect(seen).toEqual(['canary-token-1', 'canary-token-2']);
  });
});

describe('token budget across processes', () => {
  it('counts every request in a shared store and stops both managers', async () => {
    const first = harness({ tokenBudget: { maxRequests: 3, windowMs: 600_000 } });
    const second = createTokenManager({ ...first.options });
    await first.manager.startBatch();
    await second.startBatch();
    await first.manager.refreshAfterAuthFailure();
    const error = await second.refreshAfterAuthFailure().catch((e: unknown) => e);
    expect((error as ExtractorError).code).toBe('token_budget_exhausted');
    await expect(first.manager.refreshAfterAuthFailure()).rejects.toMatchObject({
      code: 'token_budget_exhausted',
    });
    expect(first.fetchCalls()).toBe(3);
    expect(first.events.filter((e) => e.type === 'token_budget').map((e) => e.fields['used'])).toEqual([
      1, 2, 3,
    ]);
    first.clock.advance(600_000);
    await expect(second.refreshAfterAuthFailure()).resolves.toBe('canary-token-4');
  });

  it('uses Zoho’s 10 per 10 minutes by default', async () => {
    const h = harness();
    for (let i = 0; i < 10; i++) await h.manager.refreshAfterAuthFailure();
    await expect(h.manager.refreshAfterAuthFailure()).rejects.toMatchObject({
      code: 'token_budget_exhausted',
    });
    expect(h.fetchCalls()).toBe(10);
  });
});

describe('one token per process while it is valid (D40)', () => {
  it('reuses the first batch token in later batches until the proactive-refresh age', async () => {
    const h = harness();
    await expect(h.manager.startBatch()).resolves.toBe('canary-token-1');
    h.clock.advance(1000_000);
    await expect(h.manager.startBatch()).resolves.toBe('canary-token-1');
    h.clock.advance(1879_000);
    await expect(h.manager.startBatch()).resolves.toBe('canary-token-1');
    expect(h.fetchCalls()).toBe(1);
    h.clock.advance(2_000);
    await expect(h.manager.startBatch()).resolves.toBe('canary-token-2');
    expect(h.refreshes().map((e) => e.fields['reason'])).toEqual(['batch_start', 'proactive']);
  });

  it('gives each process (each manager) a fresh token for its first batch', async () => {
    const first = harness();
    await first.manager.startBatch();
    const second = createTokenManager({ ...first.options });
    await expect(second.startBatch()).resolves.toBe('canary-token-2');
    expect(first.fetchCalls()).toBe(2);
  });
});

describe('token command source', () => {
  it('runs the command (no budget spent) and reports source token_command', async () => {
    const command: Credentials = { kind: 'token_command', command: 'echo canary-cmd-token' };
    const h = harness({ credentials: command, tokenBudget: { maxRequests: 1, windowMs: 600_000 } });
    await expect(h.manager.startBatch()).resolves.toBe('canary-cmd-token');
    await expect(h.manager.startBatch()).resolves.toBe('canary-cmd-token');
    expect(h.fetchCalls()).toBe(0);
    expect(h.events.filter((e) => e.type === 'token_budget')).toEqual([]);
    expect(h.refreshes()[0]?.fields).toMatchObject({ source: 'token_command', ttl_s: null });
  });

  it('uses an injected runner and fails safely', async () => {
    const command: Credentials = { kind: 'token_command', command: 'whatever' };
    const h = harness({
      credentials: command,
      runCommand: () => Promise.resolve({ exitCode: 1, timedOut: false, stdout: 'canary-token-x' }),
    });
    await expect(h.manager.getAccessToken()).rejects.toMatchObject({ code: 'token_unavailable' });
    expect(JSON.stringify(h.events)).not.toContain('canary-token-x');
  });
});

describe('contract with the retry loop', () => {
  it('is structurally a TokenSource', async () => {
    const source: TokenSource = harness().manager;
    await expect(source.getAccessToken()).resolves.toBe('canary-token-1');
  });
});

describe('canaries', () => {
  it('never puts a token or secret into an event or error', async () => {
    const h = harness();
    await h.manager.startBatch();
    h.clock.advance(3000_000);
    await h.manager.getAccessToken();
    await h.manager.refreshAfterAuthFailure();
    const logged = JSON.stringify(h.events);
    for (const secret of [SECRET, REFRESH, 'canary-token']) expect(logged).not.toContain(secret);
  });
});
