/**
 * fast-check generators of scandetails page TEXT, built token by token so each record's exact text is
 * known: ids up to 20 digits, long integers in other fields, nested values, unicode, escapes, varied
 * whitespace and key orders, sentinels, non-object records and records without an id.
 */
import fc from 'fast-check';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_TEXT_COLUMNS } from '../../src/store/system-columns.ts';

export interface GeneratedPage {
  text: string;
  /** Exact text of each element of the records array, in order. */
  recordTexts: string[];
}

const space = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');

/** Every key the mapper knows, in both spellings where a dotted one exists, plus the aliases. */
const KNOWN_KEYS = [
  ...SYSTEM_TEXT_COLUMNS,
  ...SYSTEM_INTEGER_COLUMNS,
  'resource_name',
  'branch_office_name',
  'resource.name',
  'resource.domain_netbios_name',
  'branchofficedetails.branch_office_id',
  'branchmemberresourcerel.resource_id',
  'oslanguage.i18n',
  'oslanguage.languageid',
  'patchstatusdefn.label',
  'resource_id',
];

/** No U+0000 (the scan's marker) and no U+FFFD (reported as a decoding problem): both fall back. */
const plainString = fc
  .string({ unit: 'binary', maxLength: 12 })
  .filter((s) => !s.includes('\u0000') && !s.includes('\uFFFD'));

/** A JSON string literal for `s`, sometimes with every non-ASCII or every third character \u-escaped. */
function stringLiteral(s: string, style: number): string {
  if (style === 0) return JSON.stringify(s);
  let out = '"';
  // Code unit by code unit: an escaped surrogate half next to a raw one is still the same string.
  for (let index = 0; index < s.length; index += 1) {
    const unit = s.charCodeAt(index);
    const escape = style === 1 ? unit > 0x7e : index % 3 === 0;
    if (escape || unit === 0x22 || unit === 0x5c || unit < 0x20) {
      const hex = unit.toString(16).padStart(4, '0');
      out += `\\u${index % 2 === 0 ? hex : hex.toUpperCase()}`;
    } else if (unit === 0x2f && style === 2) {
      out += '\\/';
    } else {
      out += s.charAt(index);
    }
  }
  return `${out}"`;
}

const stringText = fc
  .tuple(fc.oneof(plainString, fc.constantFrom('--', 'NA', '', ' -- ', '-1', '3', ' 42 ')), fc.nat(2))
  .map(([s, style]) => stringLiteral(s, style));

/** Integers from 1 to 20 digits, with the 2^53 boundary and small sentinels well represented. */
const integerText = fc.oneof(
  fc.bigInt({ min: -(10n ** 20n) + 1n, max: 10n ** 20n - 1n }).map(String),
  fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }).map(String),
  fc.integer({ min: -2, max: 5 }).map(String),
  fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n }).map((id) => id.toString()),
);

const scalarText = fc.oneof(integerText, stringText, fc.constantFrom('true', 'false', 'null'));

const { valueText } = fc.letrec<{ valueText: string }>((tie) => ({
  valueText: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarText,
    fc
      .uniqueArray(fc.tuple(fc.oneof(stringText, fc.constantFrom('"a"', '"b.c"')), tie('valueText'), space), {
        maxLength: 3,
        // Decoded keys unique: a repeated key is an "unusual input" case, tested on its own.
        selector: ([key]) => JSON.parse(key) as string,
      })
      .map((members) => `{${members.map(([key, value, ws]) => `${key}${ws}:${ws}${value}`).join(',')}}`),
    fc
      .array(fc.tuple(tie('valueText'), space), { maxLength: 3 })
      .map((items) => `[${items.map(([value, ws]) => `${ws}${value}`).join(',')}]`),
  ),
}));
export { valueText };

const idValue = fc.oneof(
  integerText,
  integerText.map((id) => JSON.stringify(id)),
  fc.constantFrom('"--"', '""', 'null', '" 52549000000186013 "'),
);

/** A record's members: unique keys (known or random), values of any shape, an id most of the time. */
export const recordText: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(fc.oneof(fc.constantFrom(...KNOWN_KEYS), plainString), { maxLength: 14 }),
    fc.array(valueText, { minLength: 14, maxLength: 14 }),
    fc.option(idValue, { freq: 6 }),
    fc.option(idValue, { freq: 2 }),
    fc.array(space, { minLength: 16, maxLength: 16 }),
  )
  .map(([keys, values, id, idString, ws]) => {
    const members = keys
      .filter((key) => key !== 'resource_id' && key !== 'resource_id_string')
      .map((key, index) => `${JSON.stringify(key)}${ws[index] ?? ''}:${values[index] ?? 'null'}`);
    if (id !== null) members.splice(members.length >> 1, 0, `"resource_id":${id}`);
    if (idString !== null) members.push(`"resource_id_string":${ws[15] ?? ''}${idString}`);
    return `{${ws[14] ?? ''}${members.join(`,${ws[13] ?? ''}`)}}`;
  });

const elementText = fc.oneof({ arbitrary: recordText, weight: 12 }, { arbitrary: scalarText, weight: 1 });

/** A whole page: envelope members in any order, records under one of the keys the parser looks for. */
export const pageArbitrary: fc.Arbitrary<GeneratedPage> = fc
  .record({
    records: fc.array(elementText, { maxLength: 8 }),
    recordsKey: fc.constantFrom('scandetails', 'computers', 'systems'),
    messageType: fc.constantFrom('"scandetails"', '"computers"', 'null', '"other"'),
    total: fc.oneof(integerText, fc.constantFrom('"3362"', '" 7 "', '0')),
    limit: fc.constantFrom('25', '"25"', '0', '1000', 'null'),
    extra: fc.option(valueText),
    order: fc.nat(3),
    ws: fc.array(space, { minLength: 6, maxLength: 6 }),
  })
  .map(({ records, recordsKey, messageType, total, limit, extra, order, ws }) => {
    const [a = '', b = '', c = '', d = '', e = '', f = ''] = ws;
    const array = `[${a}${records.join(`${b},${c}`)}${d}]`;
    const responseMembers = [
      `"total":${total}`,
      `"limit":${limit}`,
      `"page":2`,
      `"${recordsKey}":${e}${array}`,
    ];
    // Wrapped in an object: a bare array here could become "the first array" the parser picks.
    if (extra !== null) responseMembers.splice(order, 0, `"meta":{"value":${extra}}`);
    const rootMembers = [
      `"message_type":${messageType}`,
      `"message_response":${f}{${responseMembers.join(',')}}`,
      '"message_version":"1.4"',
      '"status":"success"',
    ];
    const rotated = [...rootMembers.slice(order), ...rootMembers.slice(0, order)];
    return { text: `${f}{${a}${rotated.join(`,${b}`)}${c}}${d}`, recordTexts: records };
  });
