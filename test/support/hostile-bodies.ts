/**
 * fast-check generators of hostile API answers (D62): every mutation class of issue 12 as bytes, a
 * status and a delivery (whole, a stream that breaks, a stream that stalls, a reset). Built over
 * json-page-arbitraries' pages so the structure around a mutation is realistic.
 */
import fc from 'fast-check';
import { pageArbitrary } from './json-page-arbitraries.ts';

const MUTATION_CLASSES = [
  'valid',
  'wrong_types',
  'missing_keys',
  'bad_ids',
  'duplicates',
  'totals',
  'deep_nesting',
  'invalid_utf8',
  'bom',
  'trailing_garbage',
  'truncated',
  'odd_status',
] as const;
export type MutationClass = (typeof MUTATION_CLASSES)[number];

/** An id is a canonical decimal integer (issue 12 #6): no sign, no leading zero, no fraction. */
export const CANONICAL_ID = /^(?:0|[1-9]\d*)$/;
/** Every class's stored rows must meet the canonical-id rule (D51 rejects anything else). */
export const ROW_RULE_CLASSES: ReadonlySet<MutationClass> = new Set(MUTATION_CLASSES);

type Delivery = 'whole' | 'broken_stream' | 'stalled_stream' | 'reset';

export interface HostileAnswer {
  mutation: MutationClass;
  delivery: Delivery;
  status: number;
  contentType: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const envelope = (response: string): string =>
  `{"message_type":"scandetails","message_response":${response},"message_version":"1.4","status":"success"}`;
const recordsPage = (records: readonly string[], total = String(records.length)): string =>
  envelope(`{"total":${total},"limit":25,"page":1,"scandetails":[${records.join(',')}]}`);

/** Ids the canonical-id rule must refuse (issue 12 #6), as JSON value texts. */
const BAD_IDS = [
  '1.5',
  '-7',
  '"007"',
  '7e3',
  '"5254 9000"',
  'true',
  '{}',
  '[]',
  '5.2549e16',
  '"abc"',
  '"-0"',
];

const wrongTypes = fc.constantFrom(
  envelope('"scandetails"'),
  envelope('[]'),
  envelope('{"total":1,"limit":25,"scandetails":"x"}'),
  envelope('{"total":1,"limit":25,"scandetails":{"resource_id":1}}'),
  envelope('{"total":2,"limit":25,"scandetails":[[1],"two",3,null,true]}'),
  envelope('{"total":{"n":1},"limit":[25],"scandetails":[]}'),
  '{"message_response":42,"status":"success"}',
);

const missingKeys = fc.constantFrom(
  '{}',
  '[]',
  '{"status":"success"}',
  envelope('{"limit":25,"scandetails":[{"resource_id":1}]}'),
  envelope('{"total":1,"limit":25}'),
  envelope('{"total":1,"scandetails":[{"resource.name":"no id"}]}'),
  '{"status":"error","error_code":"10002"}',
);

const badIds = fc
  .array(fc.constantFrom(...BAD_IDS), { minLength: 1, maxLength: 4 })
  .map((ids) => recordsPage(ids.map((id) => `{"resource_id":${id},"resource.name":"x"}`)));

const duplicates = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.integer({ min: 2, max: 5 }), fc.boolean())
  .map(([id, copies, repeatedKey]) =>
    recordsPage(
      Array.from({ length: copies }, (_, i) =>
        repeatedKey ? `{"resource_id":${id},"resource_id":${id + BigInt(i)}}` : `{"resource_id":${id}}`,
      ),
    ),
  );

const totals = fc
  .tuple(
    fc.constantFrom(
      '10000000',
      '1e300',
      '-5',
      '"abc"',
      '"12"',
      '18446744073709551616',
      'null',
      '1.5',
      '""',
      '-0',
    ),
    fc.boolean(),
  )
  .map(([total, absent]) =>
    absent
      ? envelope('{"limit":25,"scandetails":[{"resource_id":1}]}')
      : recordsPage(['{"resource_id":1}', '{"resource_id":2}'], total),
  );

const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 200_000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
  .map(([depth, open, inRecord]) => {
    const close = open === '[' ? ']' : '}';
    const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return inRecord ? recordsPage([`{"resource_id":1,"deep":${deep}}`]) : deep;
  });

const garbage = fc.constantFrom('x', '}', ']]', ',{}', '<html>', '\u0000', ' {"status":"success"}', 'NaN');

/** A generated page, possibly mutated at the text level. */
const textMutation = (mutation: MutationClass): fc.Arbitrary<Uint8Array> => {
  const page = pageArbitrary.map((generated) => generated.text);
  switch (mutation) {
    case 'valid':
    case 'odd_status':
      return page.map((text) => encoder.encode(text));
    case 'wrong_types':
      return wrongTypes.map((text) => encoder.encode(text));
    case 'missing_keys':
      return missingKeys.map((text) => encoder.encode(text));
    case 'bad_ids':
      return badIds.map((text) => encoder.encode(text));
    case 'duplicates':
      return duplicates.map((text) => encoder.encode(text));
    case 'totals':
      return totals.map((text) => encoder.encode(text));
    case 'deep_nesting':
      return deepNesting.map((text) => encoder.encode(text));
    case 'invalid_utf8':
      return fc
        .tuple(
          page,
          fc.nat(),
          fc.constantFrom([0xff], [0xc3], [0x80, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88]),
        )
        .map(([text, at, bad]) => {
          const bytes = encoder.encode(text);
          const cut = at % (bytes.length + 1);
          return Uint8Array.from([...bytes.subarray(0, cut), ...bad, ...bytes.subarray(cut)]);
        });
    case 'bom':
      return page.map((text) => encoder.encode(`\uFEFF${text}`));
    case 'trailing_garbage':
      return fc.tuple(page, garbage).map(([text, tail]) => encoder.encode(`${text}${tail}`));
    case 'truncated':
      return fc.tuple(page, fc.nat()).map(([text, at]) => encoder.encode(text.slice(0, at % text.length)));
  }
};

const statusOf = (mutation: MutationClass): fc.Arbitrary<number> =>
  mutation === 'odd_status'
    ? fc.constantFrom(
        100,
        204,
        206,
        301,
        304,
        400,
        401,
        403,
        404,
        408,
        418,
        429,
        431,
        500,
        502,
        503,
        504,
        599,
      )
    : fc.constantFrom(200, 200, 200, 203);

export const hostileAnswer: fc.Arbitrary<HostileAnswer> = fc
  .constantFrom(...MUTATION_CLASSES)
  .chain((mutation) =>
    fc.record({
      mutation: fc.constant(mutation),
      delivery: fc.constantFrom<Delivery>(
        'whole',
        'whole',
        'whole',
        'whole',
        'broken_stream',
        'stalled_stream',
        'reset',
      ),
      status: statusOf(mutation),
      contentType: fc.constantFrom('application/json', 'application/json;charset=UTF-8', 'text/html', ''),
      bytes: textMutation(mutation),
    }),
  );

/** A Response for `answer` as fetch would hand it over; a stalled body errors when `signal` aborts. */
export function responseOf(answer: HostileAnswer, signal: AbortSignal | null): Response | Error {
  if (answer.delivery === 'reset')
    return new TypeError('fetch failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
  const noBody = answer.status === 204 || answer.status === 304 || answer.status < 200;
  const status = answer.status < 200 ? 200 : answer.status;
  const headers: Record<string, string> =
    answer.contentType === '' ? {} : { 'content-type': answer.contentType };
  if (noBody) return new Response(null, { status, headers });
  const half = answer.bytes.subarray(0, answer.bytes.length >> 1);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (answer.delivery === 'whole') {
        controller.enqueue(answer.bytes);
        controller.close();
        return;
      }
      controller.enqueue(half);
      if (answer.delivery === 'broken_stream') {
        controller.error(new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } }));
        return;
      }
      const fail = (): void => {
        controller.error(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) fail();
      else signal?.addEventListener('abort', fail, { once: true });
    },
  });
  return new Response(body, { status, headers });
}
