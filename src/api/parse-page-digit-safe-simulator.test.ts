/**
 * The digit-safe parser over the simulator's real pages, fetched over HTTP: every page of a fleet,
 * with records under `scandetails` and under `computers`, total as a number and as a string.
 */
import { describe, expect, it } from 'vitest';
import { parseScanDetailsPageDetailed } from './parse-page-digit-safe.ts';
import { parseScanDetailsPage } from './parse-page.ts';
import { simulatorPageBodies } from '../../test/support/simulator-pages.ts';

const PAGE_SIZE = 25;

describe('digit-safe parser on simulator pages', () => {
  it.each([
    ['scandetails, numeric total', { systems: 1200 }],
    ['computers, total as a string', { systems: 310, recordsKey: 'computers', totalAsString: true }],
  ] as const)('%s: identical to the lossless path, raw_json as sent', async (_label, settings) => {
    const bodies = await simulatorPageBodies({ seed: 7, settings });
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
