/**
 * The `resid` lookup (D85): one system in the normal scandetails envelope or an empty list, logged with
 * its id, faulted by `lookupScript` (never by page scripts), and invisible to the drift triggers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './create-simulator.ts';
import {
  closeAllSimulators,
  envelopeOf,
  fetchPage,
  getToken,
  rawResourceIds,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

async function lookup(sim: Simulator, token: string, id: string): Promise<Response> {
  return fetchPage(sim, token, { query: { resid: id } });
}

describe('scandetails?resid=', () => {
  it('answers with that one system in the normal envelope, or an empty list when it is gone', async () => {
    const sim = await startSimulator({ settings: { systems: 60 } });
    const token = await getToken(sim);
    const id = sim.groundTruthIds()[37] ?? '';
    const found = await (await lookup(sim, token, id)).text();
    expect(envelopeOf(found)).toMatchObject({
      message_type: 'scandetails',
      status: 'success',
      message_response: { total: 1, limit: 25, page: 1 },
    });
    expect(rawResourceIds(found)).toEqual([id]);

    sim.mutate({ removeIds: [id] });
    const gone = await (await lookup(sim, token, id)).text();
    expect(envelopeOf(gone).message_response).toMatchObject({ total: 0, scandetails: [] });
  });

  it('logs the id with no page, and moves no drift trigger', async () => {
    const drift = [{ afterRequests: 1, removeFromPages: { pages: [1], count: 5 } }];
    const sim = await startSimulator({ settings: { systems: 60, drift } });
    const token = await getToken(sim);
    const id = sim.groundTruthIds()[2] ?? '';
    for (let i = 0; i < 3; i++) expect((await lookup(sim, token, id)).status).toBe(200);
    // Three lookups later the drift step (after one page request) has still not been applied.
    expect(sim.groundTruthIds()).toHaveLength(60);
    await fetchPage(sim, token, { page: 1 });
    await fetchPage(sim, token, { page: 1 });
    expect(sim.groundTruthIds()).toHaveLength(55);
    const logged = sim
      .stats()
      .requests.filter((entry) => entry.path === '/api/1.4/patch/scandetails')
      .map((entry) => ({ page: entry.page, resid: entry.resid }));
    expect(logged).toEqual([
      { page: null, resid: id },
      { page: null, resid: id },
      { page: null, resid: id },
      { page: 1, resid: null },
      { page: 1, resid: null },
    ]);
  });

  it('answers lookups from lookupScript in order, and pages from their own scripts only', async () => {
    const sim = await startSimulator({
      settings: {
        systems: 30,
        lookupScript: [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 500 },
        ],
        pageScripts: { 1: [{ kind: 'status', status: 502 }] },
      },
    });
    const token = await getToken(sim);
    const id = sim.groundTruthIds()[0] ?? '';
    expect((await lookup(sim, token, id)).status).toBe(503);
    expect((await fetchPage(sim, token, { page: 1 })).status).toBe(502);
    expect((await lookup(sim, token, id)).status).toBe(500);
    const answer = await lookup(sim, token, id);
    expect(answer.status).toBe(200);
    expect(rawResourceIds(await answer.text())).toEqual([id]);
  });
});

describe('residFilter: ignored', () => {
  it('answers a lookup with page 1, as an API that does not know the filter', async () => {
    const sim = await startSimulator({ settings: { systems: 60, residFilter: 'ignored' } });
    const token = await getToken(sim);
    const id = sim.groundTruthIds()[40] ?? '';
    const text = await (await lookup(sim, token, id)).text();
    expect(envelopeOf(text).message_response).toMatchObject({ total: 60, page: 1 });
    expect(rawResourceIds(text)).toEqual(sim.groundTruthIds().slice(0, 25));
  });
});

describe('drift steps by id', () => {
  it('remove the listed ids once the step is due', async () => {
    const first = await startSimulator({ settings: { systems: 40 } });
    const [a = '', b = ''] = first.groundTruthIds().slice(30);
    const sim = await startSimulator({
      settings: { systems: 40, drift: [{ afterRequests: 0, removeIds: [a, b] }] },
    });
    const token = await getToken(sim);
    expect(sim.groundTruthIds()).toHaveLength(40);
    const text = await (await fetchPage(sim, token, { page: 2 })).text();
    expect(envelopeOf(text).message_response.total).toBe(38);
    expect(sim.groundTruthIds()).not.toContain(a);
    expect(sim.groundTruthIds()).not.toContain(b);
  });
});
