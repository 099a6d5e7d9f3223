import { describe, expect, it } from 'vitest';
import { errorCodeOf } from './errors.ts';

describe('errorCodeOf', () => {
  it('reads the string code of errno, undici and lock errors', () => {
    const errno = Object.assign(new Error('open failed'), { code: 'ENOENT' });
    expect(errorCodeOf(errno)).toBe('ENOENT');
    expect(errorCodeOf(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBeNull();
    expect(errorCodeOf({ code: 'UND_ERR_SOCKET' })).toBe('UND_ERR_SOCKET');
  });

  it('is null for values without a string code', () => {
    for (const value of [null, undefined, 'ENOENT', 42, new Error('plain'), { code: 7 }]) {
      expect(errorCodeOf(value)).toBeNull();
    }
  });
});
