import { describe, expect, it } from 'vitest';
import { computeBackoffMs, MAX_BACKOFF_MS } from './backoff.ts';

describe('computeBackoffMs', () => {
  it('doubles from the base: 1 s, 2 s, 4 s (D2)', () => {
    expect([1, 2, 3].map((attempt) => computeBackoffMs(attempt, 1000))).toEqual([1000, 2000, 4000]);
  });

  it('scales with the base and treats attempt < 1 as the first', () => {
    expect(computeBackoffMs(2, 50)).toBe(100);
    expect(computeBackoffMs(0, 1000)).toBe(1000);
  });

  it("is capped at Node's longest timer, however large the base or the attempt", () => {
    expect(computeBackoffMs(10, 10_000_000)).toBe(MAX_BACKOFF_MS);
    expect(computeBackoffMs(5000, 1000)).toBe(MAX_BACKOFF_MS);
    expect(computeBackoffMs(10, 1000)).toBe(512_000);
    expect(computeBackoffMs(3, 0)).toBe(0);
  });
});
