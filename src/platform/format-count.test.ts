import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from './format-count.ts';

describe('formatCount', () => {
  it('groups digits the way en-US does', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(3362)).toBe('3,362');
    expect(formatCount(100_000)).toBe('100,000');
    expect(formatCount(-1_234_567)).toBe('-1,234,567');
    expect(formatCount(1234.5)).toBe('1,234.5');
  });

  it('leaves values String() writes in other forms alone', () => {
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatCount(1e21)).toBe('1e+21');
  });

  it('agrees with Intl.NumberFormat en-US on every safe integer', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (value) => {
        expect(formatCount(value)).toBe(intl.format(value));
      }),
    );
  });
});
