import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdPages } from './id-pages.ts';

/** Ids of every form: PMP's 17 digits, short and 18-digit ones, leading zeros, signs, text. */
const anyId = fc.oneof(
  fc.bigInt({ min: 52549000000000000n, max: 52549000000999999n }).map(String),
  fc.bigInt({ min: 0n, max: 999_999_999_999_999_999n }).map(String),
  fc.bigInt({ min: 10n ** 18n, max: 10n ** 22n }).map(String),
  fc.stringMatching(/^0[0-9]{0,18}$/),
  fc.stringMatching(/^-?[0-9]{1,20}$/),
  fc.string({ maxLength: 20 }),
);

describe('IdPages', () => {
  it('answers what a Map would, for any sequence of ids and pages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyId, fc.integer({ min: 0, max: 1_000_000 })), { maxLength: 3000 }),
        (writes) => {
          const pages = new IdPages();
          const reference = new Map<string, number>();
          for (const [id, page] of writes) {
            expect(pages.get(id)).toBe(reference.get(id));
            pages.set(id, page);
            reference.set(id, page);
          }
          expect(pages.size).toBe(reference.size);
          for (const [id, page] of reference) expect(pages.get(id)).toBe(page);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps ids that differ only in a leading zero or in their last digits apart', () => {
    const pages = new IdPages();
    pages.set('52549000000186013', 1);
    pages.set('052549000000186013', 2);
    pages.set('52549000000186014', 3);
    pages.set('5254900000018601', 4);
    pages.set('0', 0);
    expect(pages.get('52549000000186013')).toBe(1);
    expect(pages.get('052549000000186013')).toBe(2);
    expect(pages.get('52549000000186014')).toBe(3);
    expect(pages.get('5254900000018601')).toBe(4);
    expect(pages.get('0')).toBe(0);
    expect(pages.get('00')).toBeUndefined();
    expect(pages.size).toBe(5);
  });

  it('grows past its first table without losing an id (a pass of 100,000 systems)', () => {
    const pages = new IdPages();
    const first = 52549000000186013n;
    for (let index = 0; index < 100_000; index += 1)
      pages.set(String(first + BigInt(index)), Math.floor(index / 25) + 1);
    expect(pages.size).toBe(100_000);
    expect(pages.get(String(first))).toBe(1);
    expect(pages.get(String(first + 99_999n))).toBe(4000);
    expect(pages.get(String(first + 100_000n))).toBeUndefined();
  });
});
