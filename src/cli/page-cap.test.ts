import { describe, expect, it } from 'vitest';
import { parsePageCap } from './page-cap.ts';

describe('parsePageCap', () => {
  it.each([
    ['1000', { max: 1000, over: 'echo' }],
    ['25:echo', { max: 25, over: 'echo' }],
    ['25:silent', { max: 25, over: 'silent' }],
    ['25:hang', { max: 25, over: 'hang' }],
    ['0', null],
    ['25:loud', null],
    ['auto', null],
    ['-5', null],
    ['', null],
  ])('%s', (spec, cap) => {
    expect(parsePageCap(spec)).toEqual(cap);
  });
});
