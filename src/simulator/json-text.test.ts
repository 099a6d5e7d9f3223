import { describe, expect, it } from 'vitest';
import { toJsonText } from './json-text.ts';
import { hashString, hexString, intBetween, mulberry32, pick, pickWeighted, subRng } from './prng.ts';

describe('toJsonText', () => {
  it('writes bigints as exact raw digits and everything else as JSON.stringify would', () => {
    const value = { id: 52549000000186013n, name: 'a"b', list: [1, null, true, 'x'], nested: { n: -1.5 } };
    const text = toJsonText(value);
    expect(text).toBe('{"id":52549000000186013,"name":"a\\"b","list":[1,null,true,"x"],"nested":{"n":-1.5}}');
    expect(String((JSON.parse(text) as { id: number }).id)).toBe('52549000000186020');
  });
});

describe('seeded PRNG', () => {
  it('repeats for a seed and differs between seeds and streams', () => {
    const draw = (rng: () => number): number[] => Array.from({ length: 5 }, rng);
    expect(draw(mulberry32(1))).toEqual(draw(mulberry32(1)));
    expect(draw(mulberry32(1))).not.toEqual(draw(mulberry32(2)));
    expect(draw(subRng(1, 'a'))).not.toEqual(draw(subRng(1, 'b')));
    expect(hashString('x', 1)).not.toBe(hashString('x', 2));
  });

  it('draws within bounds', () => {
    const rng = mulberry32(9);
    for (let i = 0; i < 200; i++) {
      const value = intBetween(rng, 3, 5);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(5);
    }
    expect(['a', 'b']).toContain(pick(rng, ['a', 'b']));
    expect(pickWeighted(rng, ['only', 'never'], (item) => (item === 'only' ? 1 : 0))).toBe('only');
    expect(hexString(rng, 12)).toMatch(/^[0-9a-f]{12}$/);
  });
});
