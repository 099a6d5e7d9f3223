/** The rules that move the pass position, one table each (the loop's end-to-end tests are beside). */
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../store/index.ts';
import type { DriftOutcome } from './drift.ts';
import {
  afterDrift,
  afterPage,
  atPage,
  clampedToTotal,
  endedPastLast,
  positionOf,
  shortPageReason,
  withTotals,
  type PageFacts,
  type PassPosition,
} from './pass-state.ts';

const START: PassPosition = {
  last_page: 3,
  total_systems: 100,
  total_pages: 4,
  page_limit: 25,
  pass_complete: false,
  previous_coverage_pct: 97.5,
  probed_page_size: null,
  page_size_fallback: null,
};

function at(changes: Partial<PassPosition>): PassPosition {
  return { ...START, ...changes };
}

function facts(page: number, receivedCount: number, total = 100, ids?: string[]): PageFacts {
  return {
    page,
    limit: 25,
    total,
    receivedCount,
    ids: ids ?? Array.from({ length: receivedCount }, (_, i) => `p${page}-${i}`),
  };
}

function withEnd(position: PassPosition): PassPosition {
  return { ...position, pass_complete: true };
}

const PAGE_ONE = Array.from({ length: 25 }, (_, i) => `p1-${i}`);

describe('positionOf', () => {
  it('takes the position fields of a checkpoint row and nothing else', () => {
    const checkpoint: Checkpoint = {
      snapshot_id: 7,
      systems_extracted: 75,
      coverage_pct: 75,
      updated_at_ms: 1,
      ...START,
    };
    expect(positionOf(checkpoint)).toEqual(START);
  });
});

describe('withTotals', () => {
  it.each<[string, number, number, number | null]>([
    ['an exact multiple', 100, 25, 4],
    ['a partial last page', 101, 25, 5],
    ['an empty inventory (still one page)', 0, 25, 1],
    ['a different echoed limit', 100, 50, 2],
  ])('takes total and limit from %s', (_name, total, limit, totalPages) => {
    expect(withTotals(START, { total, limit })).toEqual(
      at({ total_systems: total, page_limit: limit, total_pages: totalPages }),
    );
  });
});

describe('afterPage (end by total)', () => {
  it.each<[string, PassPosition, number, PassPosition]>([
    ['before the last page', at({ last_page: 2 }), 3, at({ last_page: 3 })],
    ['at the last page', START, 4, at({ last_page: 4, pass_complete: true })],
    ['past the last page', START, 5, at({ last_page: 5, pass_complete: true })],
    ['with no total yet', at({ total_pages: null }), 4, at({ total_pages: null, last_page: 4 })],
  ])('%s', (_name, position, page, expected) => {
    expect(afterPage(position, page)).toEqual(expected);
  });

  it('atPage moves the page without deciding the end', () => {
    expect(atPage(START, 4)).toEqual(at({ last_page: 4 }));
  });
});

describe('endedPastLast (empty page past the end, wrap-around)', () => {
  it.each<[string, number, PageFacts, PassPosition | null]>([
    ['an empty page past the last by total', 5, facts(5, 0), at({ pass_complete: true })],
    [
      'an empty page past a shrunk total',
      4,
      facts(4, 0, 60),
      withEnd(withTotals(START, { total: 60, limit: 25 })),
    ],
    ['a page repeating page 1 (wrap-around)', 5, facts(5, 25, 100, PAGE_ONE), at({ pass_complete: true })],
    ['an empty page before the last (a gap, not the end)', 2, facts(2, 0), null],
    ['an empty last page', 4, facts(4, 0), null],
    ['page 1 itself', 1, facts(1, 25, 100, PAGE_ONE), null],
    ['a page with different ids', 5, facts(5, 25), null],
    ['an empty page 1 of an empty inventory', 1, facts(1, 0, 0), null],
  ])('%s', (_name, page, answer, expected) => {
    expect(endedPastLast(START, page, answer, PAGE_ONE)).toEqual(expected);
  });

  it('does not take an empty page 1 for a repeat of an empty page 1', () => {
    expect(endedPastLast(START, 2, facts(2, 0, 100, []), [])).toBeNull();
  });
});

describe('shortPageReason (short page before the end)', () => {
  it.each<[string, PassPosition, PageFacts, string | null]>([
    [
      'a short page before the last',
      START,
      facts(2, 20),
      'page 2 returned 20 of 25 records before the last page (4, total 100)',
    ],
    ['a full page', START, facts(2, 25), null],
    ['a short last page', START, facts(4, 10), null],
    ['a short page with no total yet', at({ total_pages: null }), facts(2, 20), null],
  ])('%s', (_name, position, page, expected) => {
    expect(shortPageReason(position, page)).toBe(expected);
  });
});

describe('afterDrift', () => {
  it.each<[string, PassPosition, DriftOutcome, PassPosition]>([
    ['aligned: unchanged', START, { kind: 'aligned', pages: [], staleIds: [] }, START],
    ['unreadable probe: re-read from it', START, { kind: 'unreadable', page: 2 }, at({ last_page: 1 })],
    [
      'lost: re-read the pass from page 1',
      START,
      { kind: 'lost', pages: [], staleIds: [] },
      at({ last_page: 0 }),
    ],
    [
      'moved back after the end: the pass is open again',
      at({ last_page: 4, pass_complete: true }),
      { kind: 'unreadable', page: 4 },
      at({ last_page: 3 }),
    ],
  ])('%s', (_name, position, outcome, expected) => {
    expect(afterDrift(position, outcome)).toEqual(expected);
  });
});

describe('clampedToTotal (total shrank below the page reached)', () => {
  it.each<[string, PassPosition, PassPosition]>([
    ['within the total: unchanged', START, START],
    ['at the last page: unchanged', at({ last_page: 4 }), at({ last_page: 4 })],
    ['past the new last page: at its end', at({ last_page: 6 }), at({ last_page: 4, pass_complete: true })],
    [
      'no total yet: unchanged',
      at({ total_pages: null, last_page: 9 }),
      at({ total_pages: null, last_page: 9 }),
    ],
  ])('%s', (_name, position, expected) => {
    expect(clampedToTotal(position)).toEqual(expected);
  });
});
