import { describe, expect, it } from 'vitest';
import { parseScanDetailsPage } from './parse-page.ts';
import type { ParsedPage } from './parse-page.ts';
import type { BodyOutcome } from './attempt-result.ts';

const REQUEST = { page: 3, pageSize: 25 };

/** resource_id of each parsed record, in order. */
function idsOf(page: ParsedPage): string[] {
  return page.records.map((record) => record.resource_id);
}

function parsedOrFail(outcome: BodyOutcome<ParsedPage>): ParsedPage {
  if (outcome.kind !== 'parsed') throw new Error(`expected a page, got ${JSON.stringify(outcome)}`);
  return outcome.value;
}

describe('parseScanDetailsPage', () => {
  it('keeps adjacent 17-digit ids exact (JSON.parse would merge them)', () => {
    const text =
      '{"message_type":"scandetails","message_response":{"total":3362,"limit":25,"page":1,"scandetails":[' +
      '{"resource_id":52549000000186013,"resource.name":"a"},{"resource_id":52549000000186014,"resource.name":"b"}]}}';
    const page = parsedOrFail(parseScanDetailsPage(text, REQUEST));
    expect(idsOf(page)).toEqual(['52549000000186013', '52549000000186014']);
    expect(page.records[0]?.raw_json).toBe('{"resource_id":52549000000186013,"resource.name":"a"}');
    expect({ page: page.page, limit: page.limit, total: page.total }).toEqual({
      page: 1,
      limit: 25,
      total: 3362,
    });
  });

  it('accepts total as a numeric string and falls back to the requested page and size', () => {
    const text = JSON.stringify({ message_response: { total: ' 3362 ', scandetails: [] } });
    expect(parsedOrFail(parseScanDetailsPage(text, REQUEST))).toMatchObject({
      total: 3362,
      page: 3,
      limit: 25,
    });
  });

  it.each([
    [
      'message_type key',
      {
        message_type: 'allsystems',
        message_response: { total: 1, allsystems: [{ resource_id: 1 }], computers: [] },
      },
    ],
    [
      'computers key',
      { message_type: 'scandetails', message_response: { total: 1, computers: [{ resource_id: 1 }] } },
    ],
    [
      'first array fallback',
      { message_response: { total: 1, meta: { x: 1 }, systems: [{ resource_id: 1 }] } },
    ],
  ])('finds the records via %s', (_label, body) => {
    expect(idsOf(parsedOrFail(parseScanDetailsPage(JSON.stringify(body), REQUEST)))).toEqual(['1']);
  });

  it('returns records without an id as rejects, not silently dropped', () => {
    const text = JSON.stringify({
      message_response: { total: 2, scandetails: [{ resource_id: '--' }, { resource_id: 9 }, 5] },
    });
    const page = parsedOrFail(parseScanDetailsPage(text, REQUEST));
    expect(idsOf(page)).toEqual(['9']);
    expect(page.rejects.map((reject) => [reject.index, reject.reason])).toEqual([
      [0, 'record has no resource_id'],
      [2, 'record is not an object'],
    ]);
  });

  it.each([
    ['<!DOCTYPE html><html>Please wait</html>', { kind: 'not_json', html: true }],
    ['  \n<html><body>Internal Server Error</body></html>', { kind: 'not_json', html: true }],
    ['Too many requests', { kind: 'not_json', html: false }],
    ['', { kind: 'invalid', reason: 'empty response body' }],
    ['   ', { kind: 'invalid', reason: 'empty response body' }],
  ])('detects %j before parsing', (text, expected) => {
    expect(parseScanDetailsPage(text, REQUEST)).toEqual(expected);
  });

  it.each([
    ['{"message_response": {"total": 3', /^unparseable JSON: /],
    ['[1,2]', /^JSON body is not an object$/],
    ['{"status":"success"}', /^JSON without message_response object$/],
    ['{"message_response":{"scandetails":[]}}', /total is missing/],
    ['{"message_response":{"total":"many","scandetails":[]}}', /total is missing/],
    ['{"message_response":{"total":-1,"scandetails":[]}}', /total is missing/],
    ['{"message_response":{"total":5,"limit":0,"scandetails":[]}}', /limit is 0/],
    ['{"message_response":{"total":5,"limit":25,"page":1}}', /^JSON without a records array$/],
  ])('rejects %s as invalid', (text, reason) => {
    const outcome = parseScanDetailsPage(text, REQUEST);
    expect(outcome.kind).toBe('invalid');
    expect(outcome.kind === 'invalid' && outcome.reason).toMatch(reason);
  });

  it.each([
    [
      { status: 'error', error_code: 'INVALID_OAUTHTOKEN', error_description: 'Invalid token' },
      'INVALID_OAUTHTOKEN',
      'Invalid token',
    ],
    [{ ErrorCode: 10002, ErrorMsg: 'Unauthorized' }, '10002', 'Unauthorized'],
    [
      { code: 'INVALID_TOKEN', message: 'invalid oauth token', status: 'error' },
      'INVALID_TOKEN',
      'invalid oauth token',
    ],
    [{ error: 'Access Denied' }, 'Access Denied', 'Access Denied'],
    [{ status: 'failure' }, null, 'API error without description'],
  ])('reads the error envelope %j', (body, errorCode, errorMessage) => {
    expect(parseScanDetailsPage(JSON.stringify(body), REQUEST)).toEqual({
      kind: 'api_error',
      errorCode,
      errorMessage,
    });
  });
});

describe('parseScanDetailsPage: deeply nested values', () => {
  it.each([1_000, 10_000, 100_000])(
    'a record value nested %i levels deep is an outcome, never a throw',
    (depth) => {
      const deep = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
      const text = `{"message_type":"scandetails","message_response":{"total":1,"limit":25,"page":1,"scandetails":[{"resource_id":1,"deep":${deep}}]},"status":"success"}`;
      const outcome = parseScanDetailsPage(text, { page: 1, pageSize: 25 });
      expect(['parsed', 'invalid']).toContain(outcome.kind);
    },
  );
});
