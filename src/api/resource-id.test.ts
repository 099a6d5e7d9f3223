import { describe, expect, it } from 'vitest';
import { parseScanDetailsPageDigitSafe } from './parse-page-digit-safe.ts';
import { parseScanDetailsPage } from './parse-page.ts';

/** A page whose records carry the given `resource_id` JSON texts (and no resource_id_string). */
function pageWith(idTexts: readonly string[], key = 'resource_id'): string {
  const records = idTexts.map((text) => `{"${key}":${text},"resource_name":"n"}`).join(',');
  return `{"message_type":"scandetails","message_response":{"total":${idTexts.length},"limit":25,"page":1,"scandetails":[${records}]},"status":"success"}`;
}

const PARSERS = [
  ['lossless parser', parseScanDetailsPage],
  ['digit-safe parser', parseScanDetailsPageDigitSafe],
] as const;

const MALFORMED = [
  '1.5',
  '-7',
  '"-7"',
  '"5254 9000"',
  'true',
  '{}',
  '[]',
  '"007"',
  '"5.2549e16"',
  '5.2549e16',
  '"abc"',
  '"12\uFFFD3"',
  '" 12"',
  '"0x1F"',
];

describe.each(PARSERS)('resource id rule in the %s (D51)', (_name, parse) => {
  it.each(MALFORMED)('rejects resource_id %s and does not count it', (text) => {
    const parsed = parse(pageWith(['52549000000186013', text]), { page: 1, pageSize: 25 });
    if (parsed.kind !== 'parsed') throw new Error(parsed.kind);
    expect(parsed.value.ids).toEqual(['52549000000186013']);
    expect(parsed.value.rejects).toHaveLength(1);
    expect(parsed.value.rejects[0]?.reason).toMatch(/not a canonical decimal integer/);
    expect(parsed.value.receivedCount).toBe(2);
  });

  it.each(['0', '7', '"7"', '52549000000186013', '"52549000000186013"', '123456789012345678901234'])(
    'accepts the canonical id %s',
    (text) => {
      const parsed = parse(pageWith([text]), { page: 1, pageSize: 25 });
      if (parsed.kind !== 'parsed') throw new Error(parsed.kind);
      expect(parsed.value.ids).toEqual([text.replaceAll('"', '')]);
      expect(parsed.value.rejects).toEqual([]);
    },
  );

  it('prefers resource_id_string, and rejects it when malformed even if resource_id is fine', () => {
    const good = '{"resource_id":1,"resource_id_string":"2"}';
    const bad = '{"resource_id":3,"resource_id_string":"03"}';
    const absent = '{"resource_id":4,"resource_id_string":"--"}';
    const text = `{"message_response":{"total":3,"limit":25,"page":1,"scandetails":[${good},${bad},${absent}]}}`;
    const parsed = parse(text, { page: 1, pageSize: 25 });
    if (parsed.kind !== 'parsed') throw new Error(parsed.kind);
    expect(parsed.value.ids).toEqual(['2', '4']);
    expect(parsed.value.rejects.map((reject) => reject.index)).toEqual([1]);
  });
});
