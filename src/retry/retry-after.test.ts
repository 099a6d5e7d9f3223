import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after.ts';

const NOW_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('7', NOW_MS)).toBe(7000);
    expect(parseRetryAfterMs(' 120 ', NOW_MS)).toBe(120_000);
  });

  it('rounds fractional seconds up, never down', () => {
    expect(parseRetryAfterMs('1.0005', NOW_MS)).toBe(1001);
  });

  it('measures an HTTP-date against the response Date header (clock-skew safe)', () => {
    const serverNowMs = NOW_MS - 3_600_000; // local clock runs an hour ahead of the server
    expect(parseRetryAfterMs(httpDate(serverNowMs + 120_000), NOW_MS, httpDate(serverNowMs))).toBe(120_000);
  });

  it('falls back to the local clock when Date is absent or invalid', () => {
    expect(parseRetryAfterMs(httpDate(NOW_MS + 30_000), NOW_MS)).toBe(30_000);
    expect(parseRetryAfterMs(httpDate(NOW_MS + 30_000), NOW_MS, null)).toBe(30_000);
    expect(parseRetryAfterMs(httpDate(NOW_MS + 30_000), NOW_MS, 'not a date')).toBe(30_000);
  });

  it.each([
    ['absent', null],
    ['empty', ''],
    ['zero', '0'],
    ['negative', '-5'],
    ['garbage', 'soon'],
    ['digits with junk', '12abc'],
    ['past date', httpDate(NOW_MS - 1000)],
    ['date equal to now', httpDate(NOW_MS)],
  ])('returns null for %s', (_label, value) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBeNull();
  });
});
