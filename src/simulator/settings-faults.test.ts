import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './create-simulator.ts';
import type { Fault } from './faults.ts';
import type { SimSettings } from './settings.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  manualClock,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

async function statuses(sim: Simulator, token: string, pages: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const page of pages) {
    const res = await fetchPage(sim, token, { page });
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

describe('settings-driven faults', () => {
  it('consumes a page script in order, then answers normally', async () => {
    const script: Fault[] = [
      { kind: 'status', status: 503 },
      { kind: 'rate_limit', retryAfter: 'seconds' },
      { kind: 'status', status: 502, body: 'html' },
    ];
    const sim = await startSimulator({ settings: { systems: 60, pageScripts: { 2: script } } });
    const token = await getToken(sim);
    expect(await statuses(sim, token, [2, 1, 2, 2, 2, 2])).toEqual([503, 200, 429, 502, 200, 200]);
  });

  it('rate-limits API requests per window with 429 and a Retry-After that counts down', async () => {
    const clock = manualClock();
    const rateLimit: SimSettings['rateLimit'] = { maxRequests: 3, windowMs: 10_000, retryAfter: 'seconds' };
    const sim = await startSimulator({ clock, settings: { systems: 30, rateLimit } });
    const token = await getToken(sim);
    expect(await statuses(sim, token, [1, 1, 1])).toEqual([200, 200, 200]);
    clock.advance(4_000);
    const limited = await fetchPage(sim, token, { page: 1 });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('6');
    clock.advance(6_000);
    expect(await statuses(sim, token, [1])).toEqual([200]);
    expect(
      sim
        .stats()
        .requests.filter((entry) => entry.status === 429)
        .map((entry) => entry.fault),
    ).toEqual(['rate_limit']);
  });

  it('can send the rate-limit Retry-After as an HTTP-date', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const rateLimit: SimSettings['rateLimit'] = { maxRequests: 1, windowMs: 60_000, retryAfter: 'http-date' };
    const sim = await startSimulator({ clock, settings: { systems: 30, rateLimit } });
    const token = await getToken(sim);
    await statuses(sim, token, [1]);
    const limited = await fetchPage(sim, token, { page: 1 });
    expect(limited.headers.get('retry-after')).toBe('Thu, 01 Jan 2026 00:01:00 GMT');
  });

  it('throttles with HTML pages after too many rapid pages, for throttleMs', async () => {
    const clock = manualClock();
    const throttle = { pages: 3, windowMs: 5_000, throttleMs: 20_000 };
    const sim = await startSimulator({
      clock,
      settings: { systems: 200, throttleAfterRapidPages: throttle },
    });
    const token = await getToken(sim);
    expect(await statuses(sim, token, [1, 2, 3])).toEqual([200, 200, 200]);
    const throttled = await fetchPage(sim, token, { page: 4 });
    expect(throttled.status).toBe(200);
    expect(await throttled.text()).toMatch(/Please wait/);
    clock.advance(19_000);
    expect(await (await fetchPage(sim, token, { page: 4 })).text()).toMatch(/Please wait/);
    // serverproperties is not a page and is not throttled
    const props = await fetch(`${sim.url}/api/1.4/desktop/serverproperties`, {
      headers: { Authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(await props.text()).toMatch(/^\{"message_type":"serverproperties"/);
    clock.advance(1_000);
    expect(await (await fetchPage(sim, token, { page: 4 })).text()).toMatch(/^\{"message_type"/);
  });

  it('slow paging never trips the rapid-page throttle', async () => {
    const clock = manualClock();
    const throttle = { pages: 2, windowMs: 1_000, throttleMs: 60_000 };
    const sim = await startSimulator({
      clock,
      settings: { systems: 200, throttleAfterRapidPages: throttle },
    });
    const token = await getToken(sim);
    for (let page = 1; page <= 6; page++) {
      expect(await (await fetchPage(sim, token, { page })).text()).toMatch(/^\{/);
      clock.advance(600);
    }
  });

  it('refuses with the daily quota answer once the day’s requests are spent, and resets next UTC day', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 23, 59, 0));
    const sim = await startSimulator({ clock, settings: { systems: 30, dailyQuota: 2 } });
    const token = await getToken(sim);
    expect(await statuses(sim, token, [1, 1])).toEqual([200, 200]);
    const refused = await fetchPage(sim, token, { page: 1 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ error_code: 'API_LIMIT_EXCEEDED' });
    clock.advance(60_000);
    expect(await statuses(sim, token, [1])).toEqual([200]);
  });

  it('adds per-request latency within [min, max] ms', async () => {
    const sim = await startSimulator({ settings: { systems: 30, latencyMs: [80, 120] } });
    const token = await getToken(sim);
    for (let i = 0; i < 3; i++) {
      const startedMs = Date.now();
      await (await fetchPage(sim, token, { page: 1 })).text();
      const elapsedMs = Date.now() - startedMs;
      expect(elapsedMs).toBeGreaterThanOrEqual(75);
      expect(elapsedMs).toBeLessThan(400);
    }
  });

  it('draws random faults at the configured rate, identically for the same seed', async () => {
    const randomFaults: Fault[] = [{ kind: 'status', status: 500 }, { kind: 'html_throttle' }];
    const run = async (seed: number): Promise<(string | null)[]> => {
      const sim = await startSimulator({
        seed,
        settings: { systems: 30, randomFaultRate: 0.3, randomFaults },
      });
      const token = await getToken(sim);
      await statuses(
        sim,
        token,
        Array.from({ length: 60 }, () => 1),
      );
      return sim
        .stats()
        .requests.filter((entry) => entry.page !== null)
        .map((entry) => entry.fault);
    };
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const faulted = a.filter((fault) => fault !== null);
    expect(faulted.length).toBeGreaterThan(8);
    expect(faulted.length).toBeLessThan(32);
    expect(new Set(faulted)).toEqual(new Set(['status', 'html_throttle']));
  });
});
