import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from './backoff.ts';

describe('computeBackoffMs', () => {
  it('doubles from the base: 1 s, 2 s, 4 s (D2)', () => {
    expect([1, 2, 3].map((attempt) => computeBackoffMs(attempt, 1000))).toEqual([1000, 2000, 4000]);
  });

  it('scales with the base and treats attempt < 1 as the first', () => {
    expect(computeBackoffMs(2, 50)).toBe(100);
    expect(computeBackoffMs(0, 1000)).toBe(1000);
  });
});
