/** SimSettings.pageLimitCap (D74): a cap that is honoured and echoed, one that is silent, one that hangs. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllSimulators,
  envelopeOf,
  fetchPage,
  getToken,
  rawResourceIds,
  startSimulator,
} from '../../test/support/simulator-kit.ts';
import type { Simulator } from './create-simulator.ts';

afterEach(closeAllSimulators);

async function page(sim: Simulator, token: string, pageNumber: number, pagelimit: number) {
  const text = await (await fetchPage(sim, token, { page: pageNumber, pagelimit })).text();
  return { response: envelopeOf(text).message_response, ids: rawResourceIds(text) };
}

describe('pageLimitCap', () => {
  it('honours up to 1000 by default and echoes the cap above it', async () => {
    const sim = await startSimulator({ settings: { systems: 2500 } });
    const token = await getToken(sim);
    const ids = sim.groundTruthIds();
    expect(await page(sim, token, 2, 1000)).toMatchObject({
      response: { limit: 1000 },
      ids: ids.slice(1000, 2000),
    });
    expect(await page(sim, token, 2, 5000)).toMatchObject({
      response: { limit: 1000 },
      ids: ids.slice(1000, 2000),
    });
    expect(
      sim
        .stats()
        .requests.filter((entry) => entry.page !== null)
        .map((entry) => entry.pageLimit),
    ).toEqual([1000, 5000]);
  });

  it('clamps silently: 25 records per page at offsets of 25, but the limit asked for echoed', async () => {
    const sim = await startSimulator({
      settings: { systems: 3362, pageLimitCap: { max: 25, over: 'silent' } },
    });
    const token = await getToken(sim);
    const ids = sim.groundTruthIds();
    const first = await page(sim, token, 1, 1000);
    expect(first.response).toMatchObject({ limit: 1000, total: 3362, page: 1 });
    expect(first.ids).toEqual(ids.slice(0, 25));
    expect(await page(sim, token, 3, 1000)).toMatchObject({
      response: { limit: 1000 },
      ids: ids.slice(50, 75),
    });
    // At or below the cap nothing changes.
    expect(await page(sim, token, 3, 25)).toMatchObject({ response: { limit: 25 }, ids: ids.slice(50, 75) });
  });

  it('echoes a cap below the request when the cap is not silent', async () => {
    const sim = await startSimulator({ settings: { systems: 100, pageLimitCap: { max: 25, over: 'echo' } } });
    const token = await getToken(sim);
    expect(await page(sim, token, 2, 1000)).toMatchObject({
      response: { limit: 25 },
      ids: sim.groundTruthIds().slice(25, 50),
    });
  });

  it('never answers a pagelimit above a hanging cap, and still answers 25', async () => {
    const sim = await startSimulator({ settings: { systems: 100, pageLimitCap: { max: 25, over: 'hang' } } });
    const token = await getToken(sim);
    const started = Date.now();
    await expect(
      fetchPage(sim, token, { page: 1, pagelimit: 26, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await page(sim, token, 1, 25)).toMatchObject({ ids: sim.groundTruthIds().slice(0, 25) });
    const requests = sim.stats().requests.filter((entry) => entry.page !== null);
    expect(requests.map((entry) => [entry.pageLimit, entry.status, entry.fault])).toEqual([
      [26, 0, 'page_limit_hang'],
      [25, 200, null],
    ]);
  });
});
