import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { LIMITS } from '../config/index.ts';
import type { FetchLike } from '../platform/index.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';
import { createSlackNotifier } from './slack-notifier.ts';
import type { SlackNotifierOptions } from './slack-notifier.ts';

const URL_SECRET = 'https://hooks.slack.com/services/T0001/B0002/abcdefSECRET';

interface Call {
  url: string;
  init: RequestInit | undefined;
  text: string;
}

function setup(overrides: Partial<SlackNotifierOptions> = {}, answer = (): Promise<Response> => ok()) {
  const calls: Call[] = [];
  const fetch: FetchLike = (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '{}';
    calls.push({ url: String(input), init, text: (JSON.parse(body) as { text: string }).text });
    return answer();
  };
  const chunks: string[] = [];
  const clock = new FakeClock();
  const secrets = new SecretRegistry();
  const logger = createEventLogger({
    destination: { write: (line: string) => chunks.push(line) },
    clock,
    level: 'debug',
    secrets,
  });
  const notifier = createSlackNotifier({
    url: URL_SECRET,
    fetch,
    clock,
    logger,
    secrets,
    timeoutMs: LIMITS.slackTimeoutMs,
    minIntervalMs: LIMITS.slackMinIntervalMs,
    ...overrides,
  });
  const events = (): Record<string, unknown>[] =>
    chunks.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { calls, clock, notifier, events, chunks, secrets };
}

function ok(): Promise<Response> {
  return Promise.resolve(new Response('ok', { status: 200 }));
}

const BLOCK = {
  page: 1,
  totalPages: 135,
  systems: 25,
  totalSystems: 3362,
  coveragePct: 0.7,
  errorPages: [],
  etaMinutes: 30,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createSlackNotifier', () => {
  it('makes zero fetch calls and logs nothing when no URL is configured', async () => {
    for (const url of [undefined, null, '']) {
      const { calls, notifier, events } = setup({ url });
      notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
      notifier.progress({ ...BLOCK, coveragePct: 60 });
      notifier.batchComplete({ systems: 1, coveragePct: 1 });
      notifier.targetMet({ systems: 1, totalSystems: 1, coveragePct: 100 });
      notifier.pageFailed({ page: 1, attempts: 3, errorType: 'network_timeout', httpStatus: null });
      await notifier.flush();
      expect(notifier.enabled).toBe(false);
      expect(calls).toHaveLength(0);
      expect(events()).toHaveLength(0);
    }
  });

  it('disables itself with a warning on an invalid URL, without echoing it', async () => {
    const { calls, notifier, events, chunks } = setup({ url: 'http://example.com/services/SECRET' });
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    await notifier.flush();
    expect(calls).toHaveLength(0);
    expect(events()).toMatchObject([{ event_type: 'slack_disabled', level: 'WARNING' }]);
    expect(chunks.join('')).not.toContain('SECRET');
  });

  it('POSTs {text} as JSON with a 5 s timeout signal', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const { calls, notifier } = setup();
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    await notifier.flush();
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(URL_SECRET);
    expect(call?.init?.method).toBe('POST');
    expect(call?.init?.headers).toEqual({ 'content-type': 'application/json' });
    expect(call?.init?.signal).toBeInstanceOf(AbortSignal);
    expect(call?.text).toBe('🔄 PMP extraction started (target: 3,362 systems)');
    expect(timeout).toHaveBeenCalledWith(5000);
  });

  it('prefixes every message with [account] (D41), merged ones included', async () => {
    const { calls, notifier } = setup({ account: 'client-a' });
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    notifier.pageFailed({ page: 3, attempts: 3, errorType: '5xx_server_error', httpStatus: 503 });
    notifier.pageFailed({ page: 4, attempts: 3, errorType: '5xx_server_error', httpStatus: 503 });
    await notifier.flush();
    expect(calls.map((call) => call.text)).toEqual([
      '[client-a] 🔄 PMP extraction started (target: 3,362 systems)',
      expect.stringMatching(/^\[client-a\] ⚠️ Page 3 [^\n]*\n\[client-a\] ⚠️ Page 4 /),
    ]);
  });

  it('sends at most one POST per minute and merges what arrives inside the window', async () => {
    const { calls, clock, notifier } = setup();
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    clock.advance(10_000);
    notifier.pageFailed({ page: 51, attempts: 3, errorType: '5xx_server_error', httpStatus: 503 });
    clock.advance(10_000);
    notifier.batchComplete({ systems: 1250, coveragePct: 37.2 });
    clock.advance(39_999);
    notifier.progress({ ...BLOCK, coveragePct: 10 });
    expect(calls).toHaveLength(1);
    clock.advance(1);
    notifier.progress({ ...BLOCK, coveragePct: 11 });
    await notifier.flush();
    expect(calls.map((call) => call.text)).toEqual([
      '🔄 PMP extraction started (target: 3,362 systems)',
      '⚠️ Page 51 failed after 3 attempts (503 Server Error)\n✅ Batch complete: 1,250 systems extracted (37% total coverage)',
    ]);
  });

  it('flush sends what is pending at once by default, or waits for the window when allowed', async () => {
    const first = setup();
    first.notifier.runStarted({ targetSystems: null, targetPct: 95 });
    first.notifier.targetMet({ systems: 3250, totalSystems: 3362, coveragePct: 96.67 });
    await first.notifier.flush();
    expect(first.calls).toHaveLength(2);
    expect(first.clock.sleeps).toEqual([]);

    const second = setup();
    second.notifier.runStarted({ targetSystems: null, targetPct: 95 });
    second.clock.advance(15_000);
    second.notifier.targetMet({ systems: 3250, totalSystems: 3362, coveragePct: 96.67 });
    await second.notifier.flush({ maxWaitMs: 60_000 });
    expect(second.clock.sleeps).toEqual([45_000]);
    expect(second.calls[1]?.text).toBe('🎉 Extraction complete: 3,250/3,362 systems (96.7%)');
  });

  it('announces 25, 50 and 75% once each, only when coverage crosses them', async () => {
    const { calls, notifier } = setup({ minIntervalMs: 0 });
    for (const coveragePct of [0.7, 10, 24.9, 25, 30, 20, 26, 49, 51, 52, 80, 90]) {
      notifier.progress({ ...BLOCK, coveragePct });
    }
    await notifier.flush();
    expect(calls.map((call) => call.text.split('\n')[0])).toEqual([
      '📊 PMP extraction passed 25% coverage',
      '📊 PMP extraction passed 50% coverage',
      '📊 PMP extraction passed 75% coverage',
    ]);
    expect(calls[0]?.text).toContain('*PMP Extraction Progress*\n- Page: 1/135');
  });

  it('skips milestones already passed when a run resumes, and reports only the highest of a jump', async () => {
    const resumed = setup({ minIntervalMs: 0 });
    resumed.notifier.runStarted({ targetSystems: 3362, targetPct: 95, startCoveragePct: 37.2 });
    resumed.notifier.progress({ ...BLOCK, coveragePct: 38 });
    resumed.notifier.progress({ ...BLOCK, coveragePct: 80 });
    await resumed.notifier.flush();
    expect(resumed.calls.map((call) => call.text.split('\n')[0])).toEqual([
      '🔄 PMP extraction started (target: 3,362 systems)',
      '📊 PMP extraction passed 75% coverage',
    ]);

    const noStart = setup({ minIntervalMs: 0 });
    noStart.notifier.progress({ ...BLOCK, coveragePct: 37 });
    noStart.notifier.progress({ ...BLOCK, coveragePct: 45 });
    await noStart.notifier.flush();
    expect(noStart.calls).toHaveLength(0);
  });

  it.each([404, 410])('stops for the rest of the run after HTTP %s', async (status) => {
    const { calls, notifier, events } = setup({ minIntervalMs: 0 }, () =>
      Promise.resolve(new Response('no_service', { status })),
    );
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    await notifier.flush();
    notifier.batchComplete({ systems: 1, coveragePct: 1 });
    notifier.targetMet({ systems: 1, totalSystems: 1, coveragePct: 100 });
    await notifier.flush();
    expect(calls).toHaveLength(1);
    expect(notifier.enabled).toBe(false);
    expect(events()).toMatchObject([
      {
        event_type: 'slack_disabled',
        level: 'WARNING',
        reason: expect.stringContaining(`${status}`) as unknown,
      },
    ]);
  });

  it('logs slack_failed on other HTTP errors and keeps going', async () => {
    const { calls, notifier, events } = setup({ minIntervalMs: 0 }, () =>
      Promise.resolve(new Response('oops', { status: 500 })),
    );
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    notifier.batchComplete({ systems: 1, coveragePct: 1 });
    await notifier.flush();
    expect(calls).toHaveLength(2);
    expect(notifier.enabled).toBe(true);
    expect(events()).toMatchObject([
      { event_type: 'slack_failed', level: 'WARNING', http_status: 500 },
      { event_type: 'slack_failed', http_status: 500 },
    ]);
  });

  it('turns a timeout into slack_failed', async () => {
    const controller = new AbortController();
    vi.spyOn(AbortSignal, 'timeout').mockReturnValue(controller.signal);
    const { notifier, events } = setup({ timeoutMs: 5000 }, () => {
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      return Promise.reject(controller.signal.reason as Error);
    });
    notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
    await notifier.flush();
    expect(events()).toMatchObject([
      { event_type: 'slack_failed', error_message: 'webhook timed out after 5000 ms', http_status: null },
    ]);
  });

  it('never throws, and never logs the webhook URL, even when fetch throws it back', async () => {
    const encoded = encodeURIComponent(URL_SECRET);
    const { notifier, events, chunks } = setup({ minIntervalMs: 0 }, () => {
      throw new Error(`cannot reach ${URL_SECRET} (${encoded})`, {
        cause: new Error(`connect ECONNREFUSED 10.0.0.1 /services/T0001/B0002/abcdefSECRET`),
      });
    });
    expect(() => {
      notifier.runStarted({ targetSystems: 3362, targetPct: 95 });
      notifier.pageFailed({ page: 1, attempts: 3, errorType: 'network_timeout', httpStatus: null });
    }).not.toThrow();
    await expect(notifier.flush()).resolves.toBeUndefined();
    expect(events()).toHaveLength(2);
    expect(chunks.join('')).not.toContain('SECRET');
    expect(events()[0]?.['error_message']).toBe(
      'cannot reach [redacted] ([redacted]): connect ECONNREFUSED [ipv4] [redacted]',
    );
  });

  it('handles non-Error rejections', async () => {
    const { notifier, events } = setup({}, () => Promise.reject(new Error('x', { cause: 'text' })));
    notifier.runStarted({ targetSystems: 1, targetPct: 95 });
    await notifier.flush();
    // A misbehaving fetch polyfill can reject with anything; the notifier must cope.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const other = setup({}, () => Promise.reject(42));
    other.notifier.runStarted({ targetSystems: 1, targetPct: 95 });
    await other.notifier.flush();
    expect(events()[0]?.['error_message']).toBe('x');
    expect(other.events()[0]?.['error_message']).toBe('42');
  });
});
