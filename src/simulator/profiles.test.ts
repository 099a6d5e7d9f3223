import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings.ts';
import { PROFILES, isProfileName, resolveSettings } from './profiles.ts';
import { ALL_FAULT_KINDS } from './faults.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  requestToken,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

describe('profiles as data', () => {
  it('clean is the defaults: no faults and a 1 h token', () => {
    expect(resolveSettings('clean')).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({
      systems: 3362,
      tokenExpiresInS: 3600,
      randomFaultRate: 0,
      pageScripts: {},
    });
  });

  it('merges overrides over the profile, page scripts per page', () => {
    const settings = resolveSettings('seed', { systems: 10, pageScripts: { 5: [{ kind: 'reset' }] } });
    expect(settings.systems).toBe(10);
    expect(
      Object.keys(settings.pageScripts)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([5, 15, 23, 65, 78, 120, 125]);
  });

  it('names its profiles', () => {
    expect(Object.keys(PROFILES)).toEqual(['clean', 'seed', 'chaos', 'realistic']);
    expect(isProfileName('chaos')).toBe(true);
    expect(isProfileName('toString')).toBe(false);
  });

  it('chaos covers every fault kind that can be drawn per request, with PII in errors', () => {
    const chaos = resolveSettings('chaos');
    const kinds = new Set(chaos.randomFaults.map((fault) => fault.kind));
    const perRequestKinds = ALL_FAULT_KINDS.filter((kind) => kind !== 'daily_quota');
    expect([...kinds].sort()).toEqual([...perRequestKinds].sort());
    expect(chaos.piiInErrors).toBe(true);
    expect(chaos.randomFaultRate).toBeGreaterThan(0);
    expect(chaos.rateLimit).not.toBeNull();
    expect(chaos.dailyQuota).not.toBeNull();
    expect(chaos.drift.length).toBeGreaterThan(0);
  });

  it('realistic has a 1 h token, HTML throttling after ~60 rapid pages and 0.5-3 s latency', () => {
    const realistic = resolveSettings('realistic');
    expect(realistic.tokenExpiresInS).toBe(3600);
    expect(realistic.throttleAfterRapidPages?.pages).toBe(60);
    expect(realistic.latencyMs).toEqual([500, 3000]);
  });
});

describe("the 'seed' profile plays the D24 scenarios", () => {
  it('has a short token so a batch spans several refreshes', async () => {
    const sim = await startSimulator({ profile: 'seed' });
    expect(await (await requestToken(sim)).json()).toMatchObject({ expires_in: 10 });
  });

  it('page 65: 503, 503, 200; page 78: corrupt HTML three times then OK; 120/125: parse errors; 15/23: one timeout', async () => {
    const sim = await startSimulator({ profile: 'seed', settings: { slowFirstByteMs: 250 } });
    const token = await getToken(sim);
    const attempt = async (page: number): Promise<string> => {
      try {
        const res = await fetchPage(sim, token, { page, signal: AbortSignal.timeout(100) });
        const text = await res.text();
        if (res.status !== 200) return String(res.status);
        return text.startsWith('<') ? 'html' : isJson(text) ? 'ok' : 'bad-json';
      } catch {
        return 'timeout';
      }
    };
    const isJson = (text: string): boolean => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    const run = async (page: number, times: number): Promise<string[]> => {
      const out: string[] = [];
      for (let i = 0; i < times; i++) out.push(await attempt(page));
      return out;
    };
    expect(await run(65, 3)).toEqual(['503', '503', 'ok']);
    expect(await run(78, 4)).toEqual(['html', 'html', 'html', 'ok']);
    expect(await run(120, 4)).toEqual(['bad-json', 'bad-json', 'bad-json', 'ok']);
    expect(await run(125, 4)).toEqual(['bad-json', 'bad-json', 'bad-json', 'ok']);
    expect(await run(15, 2)).toEqual(['timeout', 'ok']);
    expect(await run(23, 2)).toEqual(['timeout', 'ok']);
    expect(await run(1, 1)).toEqual(['ok']);
  });

  it('chaos runs replay exactly for a seed', async () => {
    const run = async (): Promise<(string | null)[]> => {
      const sim = await startSimulator({
        profile: 'chaos',
        seed: 11,
        settings: {
          systems: 100,
          latencyMs: [0, 0],
          randomFaults: [{ kind: 'status', status: 500 }, { kind: 'empty_body' }],
        },
      });
      const token = await getToken(sim);
      for (let page = 1; page <= 30; page++)
        await (await fetchPage(sim, token, { page: (page % 4) + 1 })).text();
      return sim
        .stats()
        .requests.filter((entry) => entry.page !== null)
        .map((entry) => entry.fault);
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toEqual(b);
    expect(a.some((fault) => fault !== null)).toBe(true);
  });
});
