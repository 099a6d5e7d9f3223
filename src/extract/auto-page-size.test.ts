/**
 * D74 in the whole loop, over the real SQLite store: PMP_PAGE_SIZE=auto's probe, pages of 25 out of
 * big requests, the fallback in the middle of a pass, resumes, and a PMP_PAGE_SIZE changed mid-pass.
 * The property every case checks: every system lands on the page of 25 it sits on, exactly once.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, harness } from '../../test/support/extract-harness.ts';
import type { ExtractOptions } from './ports.ts';

const AUTO: Partial<ExtractOptions> = {
  pageSizing: { configured: 'auto', probeSize: 1000, baseSize: 25 },
  batchPages: 200,
};

type Harness = ReturnType<typeof harness>;

/** Each page of 25 holds exactly the ids the inventory has there; none is stored twice or lost. */
async function expectUnitPages(h: Harness, pages: number): Promise<void> {
  for (let page = 1; page <= pages; page += 1) {
    expect(await h.store.idsOnPage(1, page)).toEqual(h.api.ids.slice((page - 1) * 25, page * 25));
  }
  expect([...h.store.allIds(1)].sort()).toEqual([...h.api.ids].sort());
}

const sizes = (h: Harness): string[] =>
  h.api.requests.map((request) => `${request.page}@${request.pageSize}`);

describe('PMP_PAGE_SIZE=auto', () => {
  it('reads 3,362 systems in 4 requests when the server honours 1000, stored in pages of 25', async () => {
    const h = harness({ systems: 3362 });
    const result = await h.run(AUTO);
    expect(sizes(h)).toEqual(['1@1000', '2@1000', '3@1000', '4@1000']);
    expect(result.summary).toMatchObject({ systemsExtracted: 3362, pagesAttempted: 135, pagesFailed: 0 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 135,
      total_pages: 135,
      page_limit: 25,
      pass_complete: true,
      probed_page_size: 1000,
      page_size_fallback: null,
    });
    expect(await h.store.listGaps(1)).toEqual([]);
    await expectUnitPages(h, 135);
    expect(fieldsOf(result, 'page_size_probed')).toEqual([
      { page_size_requested: 1000, limit_echoed: 1000, records: 1000, page_size: 1000, clamp: 'none' },
    ]);
  });

  it('falls back to 25 when big page 3 times out, and goes on at page 81 of 25', async () => {
    const h = harness({ systems: 3362 });
    h.api.failBigPages.add(3);
    const result = await h.run(AUTO);
    expect(sizes(h).slice(0, 4)).toEqual(['1@1000', '2@1000', '3@1000', '81@25']);
    expect(sizes(h)).toHaveLength(3 + 55);
    expect(result.summary).toMatchObject({ systemsExtracted: 3362, pagesFailed: 0 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 135,
      total_pages: 135,
      page_limit: 25,
      probed_page_size: 25,
      page_size_fallback: 'pagelimit=1000 on page 3: network_timeout',
    });
    expect(await h.store.listGaps(1)).toEqual([]);
    await expectUnitPages(h, 135);
    expect(fieldsOf(result, 'page_size_fallback')).toEqual([
      {
        page: 81,
        page_size: 1000,
        fallback_page_size: 25,
        reason: 'pagelimit=1000 on page 3: network_timeout',
      },
    ]);
  });

  it('remembers a fallback: the next run of the pass does not probe again', async () => {
    const h = harness({ systems: 3362 });
    h.api.failBigPages.add(1);
    await h.run({ ...AUTO, batchPages: 30 });
    // Committed at once, before the first page of 25 was even stored.
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 30, probed_page_size: 25 });
    const before = h.api.requests.length;
    await h.run(AUTO);
    expect(h.api.requests.slice(before).every((request) => request.pageSize === 25)).toBe(true);
    await expectUnitPages(h, 135);
  });

  it('resumes a pass at 1000: the drift probe and the rest come from big pages', async () => {
    const h = harness({ systems: 3362 });
    await h.run({ ...AUTO, batchPages: 50 });
    expect(sizes(h)).toEqual(['1@1000', '2@1000']);
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 50, probed_page_size: 1000 });
    await h.run(AUTO);
    // Page 50 (the resume's drift probe) and pages 51-80 are in big page 2; no probe again.
    expect(sizes(h)).toEqual(['1@1000', '2@1000', '2@1000', '3@1000', '4@1000']);
    await expectUnitPages(h, 135);
  });

  it.each([
    ['the cap echoed', 'cap'],
    ['silently', 'asked'],
  ] as const)('settles 25 against a server capped at 25 (%s), page 1 from the probe', async (_name, echo) => {
    const h = harness({ systems: 3362 });
    h.api.cap = { max: 25, echo };
    const result = await h.run(AUTO);
    expect(sizes(h)[0]).toBe('1@1000');
    expect(sizes(h).slice(1)).toEqual(Array.from({ length: 134 }, (_, i) => `${i + 2}@25`));
    expect(result.summary).toMatchObject({ systemsExtracted: 3362 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({ probed_page_size: 25, page_size_fallback: null });
    await expectUnitPages(h, 135);
  });

  // What the loop sees of a shift is the total that changes, or ids it read on another page (D14,
  // D53), as at 25. Systems added in front of pages already read are the next pass's, at any size.
  it.each([
    ['10 systems of page 1 are deleted', { removeFromPages: { pages: [1], count: 10 } }],
    ['10 systems are added at the front', { prepend: 10 }],
  ])('keeps every system when, before big page 2, %s', async (_name, change) => {
    const h = harness({ systems: 3362 });
    const before = new Set(h.api.ids);
    h.api.beforeAnswer = () => {
      if (h.api.requests.length !== 2) return;
      if ('prepend' in change) h.api.prepend(change.prepend);
      else h.api.mutate(change);
    };
    await h.run(AUTO);
    const stored = new Set(h.store.allIds(1));
    const survivors = h.api.ids.filter((id) => before.has(id));
    expect(survivors.length).toBeGreaterThanOrEqual(3352);
    expect(survivors.filter((id) => !stored.has(id))).toEqual([]);
    expect(await h.store.getCheckpoint(1)).toMatchObject({ pass_complete: true, probed_page_size: 1000 });
    // The change was seen, and big page 1 read again for the drift check.
    expect(sizes(h)).toContain('1@1000');
    expect(sizes(h).filter((size) => size === '1@1000').length).toBeGreaterThanOrEqual(2);
  });

  it('a PMP_PAGE_SIZE changed in the middle of a pass applies from the next pass', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 16 });
    const before = h.api.requests.length;
    // Resumed with 100: page 17 of 100 would start at system 1,600 and skip 1,200 systems.
    await h.run({ pageSizing: { configured: 100, probeSize: 1000, baseSize: 25 }, batchPages: 100 });
    expect(h.api.requests.slice(before).every((request) => request.pageSize === 25)).toBe(true);
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 40,
      page_limit: 25,
      pass_complete: true,
    });
    await expectUnitPages(h, 40);
  });
});
