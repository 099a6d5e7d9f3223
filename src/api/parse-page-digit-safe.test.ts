import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageArbitrary, recordText, valueText } from '../../test/support/json-page-arbitraries.ts';
import type { BodyOutcome } from './attempt-result.ts';
import { parseLossless, stringifyLossless } from './lossless.ts';
import { parseScanDetailsPageDetailed, parseScanDetailsPageDigitSafe } from './parse-page-digit-safe.ts';
import type { DigitSafeParse } from './parse-page-digit-safe.ts';
import { parseScanDetailsPage } from './parse-page.ts';
import type { ParsedPage } from './parse-page.ts';

const REQUEST = { page: 2, pageSize: 25 };

/** Everything but raw_json, with each record's column order made visible. */
function withoutRaw(outcome: BodyOutcome<ParsedPage>): unknown {
  if (outcome.kind !== 'parsed') return outcome;
  const { records, rejects, ...rest } = outcome.value;
  return {
    ...rest,
    records: records.map((record) => ({
      resource_id: record.resource_id,
      columns: record.columns,
      order: Object.keys(record.columns),
    })),
    rejects: rejects.map(({ index, reason }) => ({ index, reason })),
  };
}

function rawJsons(outcome: BodyOutcome<ParsedPage>): string[] {
  if (outcome.kind !== 'parsed') return [];
  const byIndex = [
    ...outcome.value.records.map((r) => r.raw_json),
    ...outcome.value.rejects.map((r) => r.raw_json),
  ];
  return byIndex;
}

/** The lossless path's raw_json for a record text: what today stores. */
function losslessRaw(text: string): string {
  return stringifyLossless(parseLossless(text));
}

/** Fast and lossless agree on everything; raw_json is the exact text when the fast path ran. */
function expectAgreement(text: string, recordTexts: readonly string[] | null): DigitSafeParse {
  const fast = parseScanDetailsPageDetailed(text, REQUEST);
  const old = parseScanDetailsPage(text, REQUEST);
  expect(withoutRaw(fast.outcome)).toStrictEqual(withoutRaw(old));
  if (fast.parser === 'lossless') {
    expect(fast.outcome).toStrictEqual(old);
    return fast;
  }
  const oldRaw = rawJsons(old);
  const fastRaw = rawJsons(fast.outcome);
  expect(fastRaw.map(losslessRaw)).toStrictEqual(oldRaw);
  if (recordTexts !== null && fast.outcome.kind === 'parsed') {
    const { records, rejects } = fast.outcome.value;
    const exact = [...records.map((r) => r.raw_json), ...rejects.map((r) => r.raw_json)].sort();
    expect(exact).toStrictEqual([...recordTexts].sort());
  }
  return fast;
}

describe('parseScanDetailsPageDigitSafe against the lossless path (generated pages)', () => {
  it('agrees on ids, every column and rejects; raw_json is the record text byte for byte', () => {
    fc.assert(
      fc.property(pageArbitrary, (page) => {
        const fast = expectAgreement(page.text, page.recordTexts);
        expect(fast.parser).toBe('digit-safe');
      }),
      { numRuns: 400 },
    );
  });

  it('keeps every digit of ids up to 20 digits as raw numbers and as strings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 20n - 1n }), fc.boolean(), (id, quoted) => {
        const idText = quoted ? `"${id}"` : String(id);
        const record = `{"resource_id":${idText},"customer_id":${id},"agent_installed_on":${id}}`;
        const text = `{"message_response":{"total":1,"scandetails":[${record}]}}`;
        const fast = expectAgreement(text, [record]);
        expect(fast.outcome.kind === 'parsed' && fast.outcome.value.ids).toStrictEqual([id.toString()]);
      }),
      { numRuns: 300 },
    );
  });
});

/** Inputs the scan must not handle itself: each falls back, or agrees when it does not need to. */
const ODD_RECORDS: readonly (readonly [label: string, record: string])[] = [
  ['a duplicate key with a different value', '{"resource_id":1,"os_name":"a","os_name":"b"}'],
  ['a duplicate key with the same value', '{"resource_id":1,"os_name":"a","os_name":"a"}'],
  ['a duplicate key spelt with an escape', '{"resource_id":1,"os_name":"a","os\\u005fname":"b"}'],
  ['a duplicate nested key', '{"resource_id":1,"x":{"k":1,"k":2}}'],
  ['an exponent id', '{"resource_id":1e5}'],
  ['a fraction id', '{"resource_id":52549000000186013.0}'],
  ['a negative zero', '{"resource_id":1,"os_platform":-0}'],
  ['a float elsewhere', '{"resource_id":1,"x":0.1000000000000000055511151231257827}'],
  ['a leading zero', '{"resource_id":012345678901234567}'],
  ['a NUL escape', '{"resource_id":1,"os_name":"\\u0000x"}'],
  ['a replacement character', '{"resource_id":1,"os_name":"\uFFFD"}'],
  ['a toString key', '{"resource_id":1,"toString":7,"to.String":8}'],
  ['a __proto__ key', '{"resource_id":1,"__proto__":{"os_name":"x"}}'],
  ['a number as key', '{12345678901234567890:1}'],
  ['a raw control character', '{"resource_id":1,"os_name":"a\u0001"}'],
  ['deep nesting', `{"resource_id":1,"x":${'['.repeat(80)}${']'.repeat(80)}}`],
  ['very deep nesting', `{"resource_id":1,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`],
  [
    'a nested long integer in a TEXT column',
    '{"resource_id":1,"os_name":{"n":123456789012345678901,"m":[1.5]}}',
  ],
];

const page = (record: string): string =>
  `{"message_type":"scandetails","message_response":{"total":1,"limit":25,"page":1,"scandetails":[${record}]}}`;

describe('unusual input: falls back to the lossless path or gives its output', () => {
  it.each(ODD_RECORDS)('%s', (_label, record) => {
    expectAgreement(page(record), null);
  });

  it.each([
    ['a BOM', `\uFEFF${page('{"resource_id":52549000000186013}')}`],
    ['surrounding whitespace', ` \n${page('{"resource_id":52549000000186013}')}\n `],
    ['trailing garbage', `${page('{"resource_id":1}')}x`],
    ['a truncated body', page('{"resource_id":52549000000186013}').slice(0, -3)],
    ['an error envelope', '{"status":"error","error_code":"10002","error_description":"INVALID_OAUTHTOKEN"}'],
    ['an error envelope with a numeric code', '{"error_code":12345678901234567890}'],
    [
      'a big message_type',
      '{"message_type":12345678901234567890,"message_response":{"total":1,"12345678901234567890":[{"resource_id":1}]}}',
    ],
    [
      'duplicate records arrays',
      '{"message_response":{"total":1,"scandetails":[{"resource_id":1}],"scandetails":[]}}',
    ],
    ['a big total', '{"message_response":{"total":12345678901234567890,"scandetails":[]}}'],
    ['a root array', '[{"resource_id":1}]'],
    // What lies between records must be what JSON.parse accepts.
    [
      'two commas between records',
      '{"message_response":{"total":2,"scandetails":[{"resource_id":1},,{"resource_id":2}]}}',
    ],
    ['a trailing comma', '{"message_response":{"total":1,"scandetails":[{"resource_id":1},]}}'],
    ['a leading comma', '{"message_response":{"total":1,"scandetails":[,{"resource_id":1}]}}'],
    ['a lone comma', '{"message_response":{"total":0,"scandetails":[,]}}'],
    // Records are parsed 25 at a time (D136): what lies between two groups is checked on its own.
    [
      'two commas between the 25th and the 26th record',
      page(
        `${Array.from({ length: 25 }, (_, i) => `{"resource_id":${i + 1}}`).join(',')},,{"resource_id":26}`,
      ),
    ],
    [
      '30 records across two groups',
      page(Array.from({ length: 30 }, (_, i) => `{"resource_id":5254900000018${6000 + i}}`).join(' ,\n')),
    ],
    [
      'a no-break space between records',
      '{"message_response":{"total":2,"scandetails":[{"resource_id":1},\u00a0{"resource_id":2}]}}',
    ],
    [
      'a colon between records',
      '{"message_response":{"total":2,"scandetails":[{"resource_id":1}:{"resource_id":2}]}}',
    ],
    [
      'records without a comma',
      '{"message_response":{"total":2,"scandetails":[{"resource_id":1} {"resource_id":2}]}}',
    ],
    ['scalar records', '{"message_response":{"total":3,"scandetails":[1, "two" ,null]}}'],
    [
      'a second array with a duplicate key',
      '{"message_response":{"total":1,"scandetails":[{"resource_id":1}],"other":[{"a":1,"a":2}]}}',
    ],
    [
      'a second array that does not parse',
      '{"message_response":{"total":1,"scandetails":[{"resource_id":1}],"other":[{"a":}]}}',
    ],
    [
      'an unsafe integer between arrays',
      '{"message_response":{"a":[],"total":1,"b":12345678901234567890,"scandetails":[{"resource_id":52549000000186013}]}}',
    ],
    // Each record is parsed on its own (D136): whatever else the page says, a bad one still counts.
    [
      'an error envelope with a malformed record',
      '{"status":"error","error_code":"1","message_response":{"scandetails":[{"resource_id":}]}}',
    ],
    [
      'unsafe integers in the envelope, in records and in a second array',
      '{"message_response":{"n":12345678901234567890,"total":2,"scandetails":[{"resource_id":52549000000186013,"x":[99999999999999999999]},{"resource_id":52549000000186014}],"other":[12345678901234567891,{"y":12345678901234567892}],"m":-98765432109876543210}}',
    ],
    [
      'an empty records array beside a full one',
      '{"message_response":{"total":1,"a":[],"scandetails":[{"resource_id":1}]}}',
    ],
    ['HTML', '<html>Please wait</html>'],
    ['empty', '  '],
  ])('%s', (_label, text) => {
    expectAgreement(text, null);
  });

  it('reports why it fell back', () => {
    const reasons = ODD_RECORDS.map(([label, record]) => {
      const fast = parseScanDetailsPageDetailed(page(record), REQUEST);
      return [label, fast.parser === 'lossless' ? fast.fallbackReason : 'digit-safe'];
    });
    expect(Object.fromEntries(reasons)).toStrictEqual({
      'a duplicate key with a different value': 'duplicate-keys',
      'a duplicate key with the same value': 'duplicate-keys',
      'a duplicate key spelt with an escape': 'duplicate-keys',
      'a duplicate nested key': 'duplicate-keys',
      'an exponent id': 'number-form',
      'a fraction id': 'number-form',
      'a negative zero': 'number-form',
      'a float elsewhere': 'number-form',
      'a leading zero': 'number-form',
      'a NUL escape': 'nul-escape',
      'a replacement character': 'replacement-character',
      'a toString key': 'digit-safe',
      'a __proto__ key': 'digit-safe',
      'a number as key': 'number-key',
      'a raw control character': 'syntax',
      'deep nesting': 'deep-nesting',
      'very deep nesting': 'deep-nesting',
      'a nested long integer in a TEXT column': 'number-form',
    });
  });

  it('agrees on records mixed with any odd record (fast-check)', () => {
    const odd = fc.constantFrom(...ODD_RECORDS.map(([, record]) => record));
    fc.assert(
      fc.property(fc.array(fc.oneof(recordText, odd), { maxLength: 5 }), (records) => {
        expectAgreement(page(records.join(',')), null);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees on nested values with long integers inside TEXT columns', () => {
    fc.assert(
      fc.property(valueText, (value) => {
        const record = `{"resource_id":7,"os_name":${value},"description":[${value}]}`;
        expectAgreement(page(record), [record]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseScanDetailsPageDigitSafe', () => {
  it('is a drop-in: same outcome shape, raw_json as received', () => {
    const record = '{ "resource_id" : 52549000000186013 , "resource.name":"a\\u00e9" }';
    const outcome = parseScanDetailsPageDigitSafe(page(record), REQUEST);
    expect(outcome.kind === 'parsed' && outcome.value.records[0]?.raw_json).toBe(record);
    expect(outcome.kind === 'parsed' && outcome.value.records[0]?.columns['resource_name']).toBe('aé');
  });
});
