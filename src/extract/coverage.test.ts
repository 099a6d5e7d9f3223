import { describe, expect, it } from 'vitest';
import { etaMinutesOf, totalPagesOf } from './coverage.ts';

describe('totalPagesOf', () => {
  it('is ceil(total / limit) with the limit the API echoed', () => {
    expect(totalPagesOf(3362, 25)).toBe(135);
    expect(totalPagesOf(3350, 25)).toBe(134);
    expect(totalPagesOf(3362, 1000)).toBe(4);
  });
  it('is unknown until both values are known, and at least one page', () => {
    expect(totalPagesOf(null, 25)).toBeNull();
    expect(totalPagesOf(100, null)).toBeNull();
    expect(totalPagesOf(0, 25)).toBe(1);
  });
});

describe('etaMinutesOf', () => {
  it('extrapolates this run’s pace over the remaining pages', () => {
    // 10 pages in 60 s → 6 s/page; 40 pages left → 4 minutes.
    expect(etaMinutesOf({ elapsedMs: 60_000, pagesDone: 10, page: 10, totalPages: 50 })).toBe(4);
  });
  it('is null before there is a pace or a page count', () => {
    expect(etaMinutesOf({ elapsedMs: 0, pagesDone: 0, page: 0, totalPages: 50 })).toBeNull();
    expect(etaMinutesOf({ elapsedMs: 10, pagesDone: 1, page: 1, totalPages: null })).toBeNull();
  });
});
