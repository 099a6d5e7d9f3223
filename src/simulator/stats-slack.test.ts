import { afterEach, describe, expect, it } from 'vitest';
import type { SimStats } from './stats.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  manualClock,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

describe('inspection and the Slack sink', () => {
  it('GET /__sim/stats returns the same log as stats(): requests, token requests, ground truth', async () => {
    const clock = manualClock();
    const sim = await startSimulator({ clock, settings: { systems: 30 } });
    const token = await getToken(sim);
    clock.advance(500);
    await (await fetchPage(sim, token, { page: 2 })).text();
    const served = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as SimStats;
    expect(served).toEqual(sim.stats());
    expect(served.requests).toEqual([
      {
        timeMs: clock.nowMs() - 500,
        method: 'POST',
        path: '/oauth/v2/token',
        page: null,
        resid: null,
        status: 200,
        fault: null,
        tokenId: null,
      },
      {
        timeMs: clock.nowMs(),
        method: 'GET',
        path: '/api/1.4/patch/scandetails',
        page: 2,
        resid: null,
        status: 200,
        fault: null,
        tokenId: 'tok-1',
      },
    ]);
    expect(served.tokenRequests).toEqual([{ timeMs: clock.nowMs() - 500, outcome: 'issued' }]);
    expect(served.groundTruthIds).toEqual(sim.groundTruthIds());
    expect(JSON.stringify(served)).not.toContain(token);
    expect(JSON.stringify(served)).not.toContain(sim.credentials.refreshToken);
  });

  it('records Slack webhook posts and answers ok', async () => {
    const sim = await startSimulator({ settings: { systems: 10 } });
    const res = await fetch(`${sim.url}/__sim/slack/T000/B000/q7Lm2Wc9`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'batch complete' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    await fetch(`${sim.url}/__sim/slack/x`, { method: 'POST', body: 'not json' });
    expect(sim.stats().slackMessages.map((message) => message.body)).toEqual([
      { text: 'batch complete' },
      'not json',
    ]);
  });

  it('can answer Slack posts with 404 (no_service) or another status', async () => {
    const notFound = await startSimulator({ settings: { systems: 10, slackStatus: 404 } });
    const res = await fetch(`${notFound.url}/__sim/slack/hook`, { method: 'POST', body: '{"text":"x"}' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no_service');
    expect(notFound.stats().slackMessages).toHaveLength(1);
    const failing = await startSimulator({ settings: { systems: 10, slackStatus: 500 } });
    expect((await fetch(`${failing.url}/__sim/slack/hook`, { method: 'POST', body: '{}' })).status).toBe(500);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const sim = await startSimulator({ settings: { systems: 10 } });
    const missing = await fetch(`${sim.url}/api/1.4/patch/allsystems`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 'error', error_code: 'RESOURCE_NOT_FOUND' });
    expect((await fetch(`${sim.url}/oauth/v2/token`)).status).toBe(405);
    expect((await fetch(`${sim.url}/api/1.4/patch/scandetails`, { method: 'POST' })).status).toBe(405);
  });

  it('close() ends pending stalls and frees the port', async () => {
    const sim = await startSimulator({
      settings: { systems: 10, pageScripts: { 1: [{ kind: 'stall_body', stallMs: 60_000 }] } },
    });
    const token = await getToken(sim);
    const res = await fetchPage(sim, token, { page: 1 });
    const body = res.text();
    const startedMs = Date.now();
    await sim.close();
    await expect(body).rejects.toThrow();
    expect(Date.now() - startedMs).toBeLessThan(1000);
    await expect(fetch(`${sim.url}/__sim/stats`)).rejects.toThrow();
  });
});
