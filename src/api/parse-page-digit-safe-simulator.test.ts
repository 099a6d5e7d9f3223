/**
 * The digit-safe parser over the simulator's real pages, fetched over HTTP: every page of a fleet,
 * with records under `scandetails` and under `computers`, total as a number and as a string.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../simulator/index.ts';
import type { SimSettings } from '../simulator/index.ts';
import { parseScanDetailsPageDetailed } from './parse-page-digit-safe.ts';
import { parseScanDetailsPage } from './parse-page.ts';

const PAGE_SIZE = 25;

async function simulatorPages(settings: Partial<SimSettings>): Promise<string[]> {
  const sim = await createSimulator({ profile: 'clean', seed: 7, settings });
  try {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
      refresh_token: sim.credentials.refreshToken,
    });
    const answer = (await (
      await fetch(`${sim.url}/oauth/v2/token`, { method: 'POST', body: form })
    ).json()) as {
      access_token: string;
    };
    const pages = Math.ceil(sim.settings.systems / PAGE_SIZE) + 1;
    const bodies: string[] = [];
    for (let page = 1; page <= pages; page += 1) {
      const response = await fetch(
        `${sim.url}/api/1.4/patch/scandetails?page=${page}&pagelimit=${PAGE_SIZE}`,
        {
          headers: { Authorization: `Zoho-oauthtoken ${answer.access_token}` },
        },
      );
      bodies.push(await response.text());
    }
    return bodies;
  } finally {
    await sim.close();
  }
}

describe('digit-safe parser on simulator pages', () => {
  it.each([
    ['scandetails, numeric total', { systems: 1200 }],
    ['computers, total as a string', { systems: 310, recordsKey: 'computers', totalAsString: true }],
  ] as const)('%s: identical to the lossless path, raw_json as sent', async (_label, settings) => {
    const bodies = await simulatorPages(settings);
    let records = 0;
    bodies.forEach((body, index) => {
      const request = { page: index + 1, pageSize: PAGE_SIZE };
      const fast = parseScanDetailsPageDetailed(body, request);
      const old = parseScanDetailsPage(body, request);
      expect(fast.parser).toBe('digit-safe');
      // The simulator writes records compactly in lossless-json's own key order, so even the
      // re-serialised raw_json of today is byte-identical to the slice.
      expect(fast.outcome).toStrictEqual(old);
      if (fast.outcome.kind !== 'parsed') throw new Error(`page ${index + 1}: ${fast.outcome.kind}`);
      for (const record of fast.outcome.value.records) {
        expect(body).toContain(record.raw_json);
        expect(record.resource_id).toMatch(/^\d{17}$/);
      }
      records += fast.outcome.value.records.length;
    });
    expect(records).toBe(settings.systems);
  });
});
