import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './create-simulator.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  envelopeOf,
  rawResourceIds,
  recordsOf,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

async function pageText(sim: Simulator, token: string, page: number, pagelimit?: number): Promise<string> {
  return (await fetchPage(sim, token, pagelimit === undefined ? { page } : { page, pagelimit })).text();
}

describe('pagination', () => {
  it('echoes total, limit and page and walks the pages to exactly the ground-truth ids', async () => {
    const sim = await startSimulator();
    const token = await getToken(sim);
    const ids: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const text = await pageText(sim, token, page, 1000);
      expect(envelopeOf(text).message_response).toMatchObject({ total: 3362, limit: 1000, page });
      ids.push(...rawResourceIds(text));
    }
    expect(ids).toHaveLength(3362);
    expect(ids).toEqual(sim.groundTruthIds());
    expect(sim.stats().groundTruthIds).toEqual(ids);
  });

  it('defaults to 25, ignores camelCase pageLimit and caps pagelimit at 1000', async () => {
    const sim = await startSimulator({ settings: { systems: 1500 } });
    const token = await getToken(sim);
    const camel = await (await fetchPage(sim, token, { query: { pageLimit: '100' } })).text();
    expect(envelopeOf(camel).message_response).toMatchObject({ limit: 25, page: 1 });
    expect(recordsOf(camel)).toHaveLength(25);
    const capped = await pageText(sim, token, 1, 5000);
    expect(envelopeOf(capped).message_response.limit).toBe(1000);
    expect(recordsOf(capped)).toHaveLength(1000);
    const junk = await (await fetchPage(sim, token, { query: { page: 'x', pagelimit: '0' } })).text();
    expect(envelopeOf(junk).message_response).toMatchObject({ limit: 25, page: 1 });
  });

  it('returns a short last page, then an empty array past the last page', async () => {
    const sim = await startSimulator({ settings: { systems: 60 } });
    const token = await getToken(sim);
    expect(recordsOf(await pageText(sim, token, 3))).toHaveLength(10);
    const past = await pageText(sim, token, 4);
    expect(envelopeOf(past).message_response).toMatchObject({ total: 60, limit: 25, page: 4 });
    expect(recordsOf(past)).toEqual([]);
  });

  it("wraps around to page 1 past the last page in 'wrap' mode", async () => {
    const sim = await startSimulator({ settings: { systems: 60, pastLastPage: 'wrap' } });
    const token = await getToken(sim);
    const first = rawResourceIds(await pageText(sim, token, 1));
    const wrapped = await pageText(sim, token, 4);
    expect(envelopeOf(wrapped).message_response.page).toBe(4);
    expect(rawResourceIds(wrapped)).toEqual(first);
    expect(rawResourceIds(await pageText(sim, token, 5))).toEqual(
      rawResourceIds(await pageText(sim, token, 2)),
    );
  });

  it('writes total as a string and records under computers when configured', async () => {
    const sim = await startSimulator({
      settings: { systems: 30, totalAsString: true, recordsKey: 'computers' },
    });
    const text = await pageText(sim, await getToken(sim), 1);
    expect(text).toContain('"total":"30"');
    expect(envelopeOf(text).message_response).not.toHaveProperty('scandetails');
    expect(recordsOf(text, 'computers')).toHaveLength(25);
  });

  it('applies the documented filters', async () => {
    const sim = await startSimulator();
    const token = await getToken(sim);
    const filtered = async (query: Record<string, string>): Promise<Record<string, unknown>[]> =>
      recordsOf(await (await fetchPage(sim, token, { pagelimit: 1000, query })).text());
    const macs = await filtered({ platformfilter: 'mac' });
    expect(macs.length).toBeGreaterThan(0);
    expect(macs.every((record) => record['os_platform_name'] === 'Mac')).toBe(true);
    const office = await filtered({ branchofficefilter: 'Head Office', healthfilter: '3' });
    expect(
      office.every((r) => r['branch_office_name'] === 'Head Office' && r['resource_health_status'] === 3),
    ).toBe(true);
    const id = sim.groundTruthIds()[5] ?? '';
    expect((await filtered({ resid: id })).map((record) => record['resource_id_string'])).toEqual([id]);
    const down = await filtered({
      livestatusfilter: '2',
      agentinstallationstatusfilter: '22',
      domainfilter: 'CFL',
    });
    expect(down.every((record) => record['computer_live_status'] === 2)).toBe(true);
  });
});

describe('inventory drift', () => {
  it('removes systems from early pages and adds new ones after N requests', async () => {
    const drift = [{ afterRequests: 2, removeFromPages: { pages: [1], count: 3 }, add: 4 }];
    const sim = await startSimulator({ settings: { systems: 100, drift } });
    const token = await getToken(sim);
    const before = sim.groundTruthIds();
    const page1 = rawResourceIds(await pageText(sim, token, 1));
    expect(rawResourceIds(await pageText(sim, token, 1))).toEqual(page1);
    const shifted = await pageText(sim, token, 1);
    expect(envelopeOf(shifted).message_response.total).toBe(101);
    expect(rawResourceIds(shifted)).toEqual(before.slice(3, 28));
    const after = sim.groundTruthIds();
    expect(after).toHaveLength(101);
    expect(after.slice(-4).map((id) => BigInt(id))).toEqual(
      [1n, 2n, 3n, 4n].map((step) => BigInt(before.at(-1) ?? '0') + step),
    );
  });

  it('mutate() removes ids, removes from pages (by the latest page size) and adds systems now', async () => {
    const sim = await startSimulator({ settings: { systems: 50 } });
    const token = await getToken(sim);
    await pageText(sim, token, 1, 10);
    const ids = sim.groundTruthIds();
    sim.mutate({ removeIds: [ids[0] ?? ''], removeFromPages: { pages: [2], count: 2 }, add: 1 });
    const now = sim.groundTruthIds();
    expect(now).toHaveLength(48);
    expect(now).not.toContain(ids[0]);
    expect(now).not.toContain(ids[10]);
    expect(now).not.toContain(ids[11]);
    expect(now).toContain(ids[12]);
    expect(envelopeOf(await pageText(sim, token, 1)).message_response.total).toBe(48);
  });

  it('mutate() edits fields of the named records only, keeping ids and order', async () => {
    const sim = await startSimulator({ settings: { systems: 30 } });
    const token = await getToken(sim);
    const ids = sim.groundTruthIds();
    const before = recordsOf(await pageText(sim, token, 1));
    sim.mutate({
      edit: { ids: [ids[1] ?? ''], fields: { resource_health_status: 3, ip_address: '10.9.9.9' } },
    });
    const text = await pageText(sim, token, 1);
    const after = recordsOf(text);
    expect(rawResourceIds(text)).toEqual(ids.slice(0, 25));
    expect(after[1]).toEqual({ ...before[1], resource_health_status: 3, ip_address: '10.9.9.9' });
    expect(after[0]).toEqual(before[0]);
    expect(after.slice(2)).toEqual(before.slice(2));
  });

  it('mutate() brings a removed id back in its place, with the same record', async () => {
    const sim = await startSimulator({ settings: { systems: 30 } });
    const token = await getToken(sim);
    const ids = sim.groundTruthIds();
    const before = await pageText(sim, token, 1);
    sim.mutate({ removeIds: [ids[3] ?? ''] });
    expect(sim.groundTruthIds()).not.toContain(ids[3]);
    sim.mutate({ restoreIds: [ids[3] ?? '', ids[4] ?? ''] });
    expect(sim.groundTruthIds()).toEqual(ids);
    expect(await pageText(sim, token, 1)).toBe(before);
  });
});
