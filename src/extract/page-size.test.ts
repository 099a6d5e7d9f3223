/** D74's page-size rules, one table each. */
import { describe, expect, it } from 'vitest';
import {
  bigPageOf,
  judgeBigPage,
  planPages,
  spanCovers,
  unitSlice,
  type BigPageFacts,
  type PagePlan,
  type PageSizing,
  type StoredPageSize,
} from './page-size.ts';

const AUTO: PageSizing = { configured: 'auto', probeSize: 1000, baseSize: 25 };
const fixed = (size: number): PageSizing => ({ ...AUTO, configured: size });
const stored = (page_limit: number | null, probed_page_size: number | null = null): StoredPageSize => ({
  page_limit,
  probed_page_size,
});

describe('planPages', () => {
  it.each<[string, PageSizing, StoredPageSize, PagePlan]>([
    [
      'fixed, new pass: the configured size',
      fixed(25),
      stored(null),
      { unit: 25, requestSize: 25, probe: false },
    ],
    ['fixed 100, new pass', fixed(100), stored(null), { unit: 100, requestSize: 100, probe: false }],
    // The pass keeps its unit: 40 pages of 25 must not resume as page 41 of 100.
    [
      'fixed, size changed mid-pass: the pass keeps its unit',
      fixed(100),
      stored(25),
      { unit: 25, requestSize: 25, probe: false },
    ],
    [
      'fixed, the API echoed a smaller limit',
      fixed(100),
      stored(50),
      { unit: 50, requestSize: 50, probe: false },
    ],
    [
      'auto, new pass: probe 1000 in pages of 25',
      AUTO,
      stored(null),
      { unit: 25, requestSize: 1000, probe: true },
    ],
    [
      'auto, resumed before the probe settled',
      AUTO,
      stored(25),
      { unit: 25, requestSize: 1000, probe: true },
    ],
    ['auto, the probe settled 1000', AUTO, stored(25, 1000), { unit: 25, requestSize: 1000, probe: false }],
    ['auto, the probe settled 500', AUTO, stored(25, 500), { unit: 25, requestSize: 500, probe: false }],
    [
      'auto, fell back: no probe again in this pass',
      AUTO,
      stored(25, 25),
      { unit: 25, requestSize: 25, probe: false },
    ],
    ['auto, fell back before any page', AUTO, stored(null, 25), { unit: 25, requestSize: 25, probe: false }],
    [
      'auto, a settled size that is not a multiple of the unit',
      AUTO,
      stored(25, 30),
      { unit: 25, requestSize: 25, probe: false },
    ],
    [
      'auto on a fixed-100 pass: probe 1000 in pages of 100',
      AUTO,
      stored(100),
      { unit: 100, requestSize: 1000, probe: true },
    ],
    [
      'auto on a fixed-30 pass: 1000 is no multiple, no probe',
      AUTO,
      stored(30),
      { unit: 30, requestSize: 30, probe: false },
    ],
    [
      'auto on a pass of 1000: nothing bigger to ask',
      AUTO,
      stored(1000),
      { unit: 1000, requestSize: 1000, probe: false },
    ],
  ])('%s', (_name, sizing, checkpoint, plan) => {
    expect(planPages(sizing, checkpoint)).toEqual(plan);
  });
});

describe('bigPageOf', () => {
  it.each([
    [1, 25, 1000, 1],
    [40, 25, 1000, 1],
    [41, 25, 1000, 2],
    [135, 25, 1000, 4],
    [81, 25, 500, 5],
    [3, 25, 25, 3],
  ])('unit page %i of %i is in big page %i/%i', (page, unit, size, big) => {
    expect(bigPageOf(page, unit, size)).toBe(big);
  });
});

function facts(changes: Partial<BigPageFacts>): BigPageFacts {
  const base = { page: 1, requestSize: 1000, probe: true, echoedPage: 1, echoedLimit: 1000, total: 3362 };
  const merged = { ...base, receivedCount: 1000, ...changes };
  const ids = changes.ids ?? Array.from({ length: merged.receivedCount }, (_, i) => `id-${i}`);
  return { ...merged, ids };
}

describe('judgeBigPage', () => {
  it.each<[string, Partial<BigPageFacts>, ReturnType<typeof judgeBigPage>]>([
    ['honoured 1000', {}, { kind: 'usable', clamp: 'none', size: 1000, firstOffset: 0 }],
    [
      'honoured, page 3',
      { page: 3, echoedPage: 3, probe: false },
      { kind: 'usable', clamp: 'none', size: 1000, firstOffset: 2000 },
    ],
    // A short LAST page is not a clamp: 3,362 systems leave 362 for page 4.
    [
      'short last page',
      { page: 4, echoedPage: 4, probe: false, receivedCount: 362 },
      { kind: 'usable', clamp: 'none', size: 1000, firstOffset: 3000 },
    ],
    [
      'whole inventory on the probe',
      { total: 60, receivedCount: 60 },
      { kind: 'usable', clamp: 'none', size: 1000, firstOffset: 0 },
    ],
    [
      'empty page past the data',
      { page: 5, echoedPage: 5, probe: false, receivedCount: 0 },
      { kind: 'usable', clamp: 'none', size: 1000, firstOffset: 4000 },
    ],
    [
      'clamp with the cap echoed',
      { echoedLimit: 25, receivedCount: 25 },
      { kind: 'usable', clamp: 'echoed', size: 25, firstOffset: 0 },
    ],
    [
      'clamp to 500 echoed, probe on page 3',
      { page: 3, echoedPage: 3, echoedLimit: 500, receivedCount: 500 },
      { kind: 'usable', clamp: 'echoed', size: 500, firstOffset: 1000 },
    ],
    [
      'silent clamp to 25 on page 1',
      { receivedCount: 25 },
      { kind: 'usable', clamp: 'silent', size: 25, firstOffset: 0 },
    ],
    [
      'silent clamp to 200 on page 1',
      { receivedCount: 200 },
      { kind: 'usable', clamp: 'silent', size: 200, firstOffset: 0 },
    ],
    // Where the 30 records of a 30-system inventory are capped at 25, the total shows the clamp.
    [
      'silent clamp below a small total',
      { total: 30, receivedCount: 25 },
      { kind: 'usable', clamp: 'silent', size: 25, firstOffset: 0 },
    ],
  ])('%s', (_name, changes, verdict) => {
    expect(judgeBigPage(25, facts(changes))).toEqual(verdict);
  });

  it.each<[string, Partial<BigPageFacts>, string]>([
    // Page 3 of a silent clamp is ambiguous: offset 50 (the server's size) or 2,000 (ours).
    [
      'silent clamp after page 1',
      { page: 3, echoedPage: 3, receivedCount: 25 },
      '25 records where limit 1000 and total 3362 promise 1000',
    ],
    [
      'silent clamp after the probe',
      { page: 2, echoedPage: 2, probe: false, receivedCount: 25 },
      '25 records where',
    ],
    ['short page not a multiple of 25', { receivedCount: 998 }, '998 records where limit 1000'],
    ['short page below 25', { receivedCount: 10 }, '10 records where'],
    ['empty page before the end', { receivedCount: 0 }, '0 records where'],
    ['more records than the limit', { total: 5000, receivedCount: 1200 }, '1200 records where'],
    [
      'a smaller limit after the probe',
      { page: 2, echoedPage: 2, probe: false, echoedLimit: 500, receivedCount: 500 },
      'echoed limit 500',
    ],
    ['a larger limit than asked', { echoedLimit: 2000, receivedCount: 1000 }, 'echoed limit 2000'],
    [
      'a limit that is no multiple of the unit',
      { echoedLimit: 30, receivedCount: 30 },
      'page size 30 is not a multiple of 25',
    ],
    ['another page answered', { echoedPage: 1, page: 2 }, 'the API answered page 1'],
    [
      'repeated ids',
      { ids: ['a', 'a', ...Array.from({ length: 998 }, (_, i) => `x${i}`)] },
      'the page repeats ids',
    ],
  ])('trouble: %s', (_name, changes, reason) => {
    const verdict = judgeBigPage(25, facts(changes));
    expect(verdict.kind).toBe('trouble');
    expect(verdict.kind === 'trouble' ? verdict.reason : '').toContain(reason);
  });

  it('names the request in the reason, without any text from the server', () => {
    expect(judgeBigPage(25, facts({ page: 2, echoedPage: 2, receivedCount: 3 }))).toEqual({
      kind: 'trouble',
      reason: 'pagelimit=1000 on page 2: 3 records where limit 1000 and total 3362 promise 1000',
    });
  });
});

describe('spanCovers and unitSlice', () => {
  it.each([
    // span, unit page, covered, [from, to)
    [{ size: 1000, firstOffset: 0 }, 1, true, [0, 25]],
    [{ size: 1000, firstOffset: 0 }, 40, true, [975, 1000]],
    [{ size: 1000, firstOffset: 0 }, 41, false, [1000, 1025]],
    [{ size: 1000, firstOffset: 3000 }, 121, true, [0, 25]],
    [{ size: 1000, firstOffset: 3000 }, 135, true, [350, 375]],
    [{ size: 1000, firstOffset: 3000 }, 120, false, [-25, 0]],
    [{ size: 25, firstOffset: 0 }, 1, true, [0, 25]],
    [{ size: 25, firstOffset: 0 }, 2, false, [25, 50]],
    [{ size: 500, firstOffset: 1000 }, 41, true, [0, 25]],
    [{ size: 500, firstOffset: 1000 }, 81, false, [1000, 1025]],
  ])('span %o, unit page %i: covered %s', (span, page, covered, [from, to]) => {
    expect(spanCovers(span, 25, page)).toBe(covered);
    expect(unitSlice(span, 25, page)).toEqual({ from, to });
  });
});
