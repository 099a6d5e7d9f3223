import { describe, expect, it } from 'vitest';
import { quoteUnsafe, scanDigitSafe, UNSAFE_MARKER } from './digit-safe-scan.ts';

function scanned(text: string): Extract<ReturnType<typeof scanDigitSafe>, { kind: 'scanned' }> {
  const scan = scanDigitSafe(text);
  if (scan.kind !== 'scanned') throw new Error(`fell back: ${scan.reason}`);
  return scan;
}

describe('quoteUnsafe', () => {
  const text =
    '{"message_response":{"total":12345678901234567890,"scandetails":[{"id":52549000000186013},{"id":7}]}}';

  it('quotes exactly the unsafe integers inside the slice, behind the marker', () => {
    const scan = scanned(text);
    const spans = scan.spans.get('scandetails') ?? [];
    expect(spans).toHaveLength(4);
    const first = quoteUnsafe(text, spans[0] ?? 0, spans[1] ?? 0, scan.unsafe);
    expect(first).toBe('{"id":"\\u000052549000000186013"}');
    expect(JSON.parse(first)).toStrictEqual({ id: `${UNSAFE_MARKER}52549000000186013` });
    // The second record has no unsafe integer: the slice as it is.
    expect(quoteUnsafe(text, spans[2] ?? 0, spans[3] ?? 0, scan.unsafe)).toBe('{"id":7}');
  });

  it('quotes the whole text as the old single pass did', () => {
    const scan = scanned(text);
    const whole = JSON.parse(quoteUnsafe(text, 0, text.length, scan.unsafe)) as {
      message_response: { total: string; scandetails: { id: unknown }[] };
    };
    expect(whole.message_response.total).toBe(`${UNSAFE_MARKER}12345678901234567890`);
    expect(whole.message_response.scandetails.map((record) => record.id)).toStrictEqual([
      `${UNSAFE_MARKER}52549000000186013`,
      7,
    ]);
  });

  it('leaves a slice between tokens, or a text without any, untouched', () => {
    const scan = scanned(text);
    const totalEnd = text.indexOf(',"scandetails"');
    expect(quoteUnsafe(text, totalEnd, totalEnd + 10, scan.unsafe)).toBe(text.slice(totalEnd, totalEnd + 10));
    expect(quoteUnsafe('{"a":1}', 0, 7, [])).toBe('{"a":1}');
  });
});
