/**
 * Hostile API answers, property-based (D62): 2,000 generated answers per run over every mutation class
 * of issue 12, through the real client (body read, byte cap, decoding), both parsers and the
 * classifier. Every outcome is a classified result: no throw escapes, and a page that parses carries
 * only well-formed rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApiClient, type ParsedPage } from '../../src/api/index.ts';
import { parseScanDetailsPage } from '../../src/api/parse-page.ts';
import { parseScanDetailsPageDigitSafe } from '../../src/api/parse-page-digit-safe.ts';
import type { BodyOutcome } from '../../src/api/attempt-result.ts';
import { ERROR_TYPES } from '../../src/platform/index.ts';
import { classifyAttempt } from '../../src/retry/classify.ts';
import { createPacer } from '../../src/retry/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { createFakeFetch } from '../support/fake-fetch.ts';
import {
  CANONICAL_ID,
  hostileAnswer,
  responseOf,
  ROW_RULE_CLASSES,
  type HostileAnswer,
} from '../support/hostile-bodies.ts';

const BODY_OUTCOMES = ['parsed', 'api_error', 'not_json', 'invalid', 'too_large'];
const REQUEST = { page: 1, pageSize: 25 };
const RUNS = 2000;

async function fetchThroughClient(answer: HostileAnswer) {
  const fake = createFakeFetch([(request) => responseOf(answer, request.signal)]);
  const client = createApiClient({
    baseUrl: 'https://pmp.test',
    http: fake.http,
    pacer: createPacer(new FakeClock(), 0),
    // A stalled body ends at this real timeout (5 ms), the way a production request does at 30 s.
    timeoutMs: 5,
    maxBodyBytes: 1024 * 1024,
    pageSize: 25,
  });
  return client.fetchScanDetailsPage(1, 'token', new AbortController().signal);
}

function expectWellFormed(page: ParsedPage): void {
  expect(Number.isSafeInteger(page.total) && page.total >= 0).toBe(true);
  expect(Number.isSafeInteger(page.limit) && page.limit > 0).toBe(true);
  expect(page.records.length + page.rejects.length).toBe(page.receivedCount);
  expect(page.ids).toEqual(page.records.map((record) => record.resource_id));
  for (const record of page.records) {
    expect(typeof record.resource_id).toBe('string');
    expect(() => JSON.parse(record.raw_json) as unknown).not.toThrow();
  }
}

function expectCanonicalIds(outcome: BodyOutcome<ParsedPage>): void {
  if (outcome.kind !== 'parsed') return;
  for (const id of outcome.value.ids) expect(id).toMatch(CANONICAL_ID);
}

describe('hostile API answers (fast-check, 2,000 per run)', () => {
  it('every answer through the real client and classifier is a classified result, never a throw', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(hostileAnswer, async (answer) => {
        seen.set(answer.mutation, (seen.get(answer.mutation) ?? 0) + 1);
        const attempt = await fetchThroughClient(answer);
        if (attempt.kind === 'http') expect(BODY_OUTCOMES).toContain(attempt.body.kind);
        const classified = classifyAttempt(attempt, { nowMs: 1_767_225_600_000 });
        if (classified.kind === 'ok') {
          expectWellFormed(classified.value);
        } else {
          expect(ERROR_TYPES).toContain(classified.failure.errorType);
          expect(typeof classified.failure.errorMessage).toBe('string');
        }
      }),
      { numRuns: RUNS, seed: 12 },
    );
    // Every mutation class was generated a fair number of times.
    for (const count of seen.values()) expect(count).toBeGreaterThan(RUNS / 30);
    expect(seen.size).toBe(12);
  });

  it('both parsers return a body outcome for any decoded body, with well-formed rows when parsed', () => {
    fc.assert(
      fc.property(hostileAnswer, (answer) => {
        const text = new TextDecoder().decode(answer.bytes);
        for (const parse of [parseScanDetailsPage, parseScanDetailsPageDigitSafe]) {
          const outcome = parse(text, REQUEST);
          expect(BODY_OUTCOMES).toContain(outcome.kind);
          if (outcome.kind === 'parsed') expectWellFormed(outcome.value);
          if (ROW_RULE_CLASSES.has(answer.mutation)) expectCanonicalIds(outcome);
        }
      }),
      { numRuns: RUNS, seed: 13 },
    );
  });
});
