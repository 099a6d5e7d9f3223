/**
 * parseScanDetailsPage with the digit-safe parser (issue 11): the same ParsedPage (page, limit, total,
 * ids, every column, rejects), except that each `raw_json` is the record's exact slice of the
 * response. A page the scan cannot handle with certainty (see FallbackReason) goes through the
 * lossless path unchanged, so its output, errors included, is today's.
 */
import { LosslessNumber } from 'lossless-json';
import type { BodyOutcome } from './attempt-result.ts';
import { detectBodyShape } from './detect-body-shape.ts';
import { scanDigitSafe, UNSAFE_MARKER } from './digit-safe-scan.ts';
import type { FallbackReason } from './digit-safe-scan.ts';
import { readCount, readEnvelope } from './envelope.ts';
import type { JsonObject, JsonValue } from './lossless.ts';
import { createPlannedNormalizer } from './normalize-record-plan.ts';
import type { RecordNormalizer } from './normalize-record-plan.ts';
import type { RejectedRecord } from './normalize-record.ts';
import { parseScanDetailsPage } from './parse-page.ts';
import type { PageRequest, ParsedPage } from './parse-page.ts';
import { findRecordsArray } from './records-array.ts';
import type { SystemRecord } from '../store/index.ts';

export type DigitSafeParse =
  | { parser: 'digit-safe'; outcome: BodyOutcome<ParsedPage> }
  | { parser: 'lossless'; fallbackReason: FallbackReason; outcome: BodyOutcome<ParsedPage> };

/** Object members below `value`, counted the way JSON.parse kept them (a repeated key counts once). */
function countMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countMembers(item);
    return count;
  }
  for (const member of Object.values(value)) count += 1 + countMembers(member);
  return count;
}

/** One level of an object with marked integers turned into LosslessNumbers (what envelope.ts reads). */
function shallowLossless(value: unknown): JsonValue {
  if (typeof value === 'string' && value.startsWith(UNSAFE_MARKER)) return new LosslessNumber(value.slice(1));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value as JsonValue;
  return Object.fromEntries<JsonValue>(
    Object.entries(value).map(([key, member]) => [key, shallowLossless(member)]),
  );
}

function shallowView(root: unknown): JsonValue {
  const view = shallowLossless(root);
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return view;
  const response = (view as JsonObject)['message_response'];
  if (typeof response === 'object' && response !== null && !Array.isArray(response)) {
    // Only scalars are read from message_response; its arrays stay the parsed ones (same identity).
    (view as JsonObject)['message_response'] = shallowLossless(response);
  }
  return view;
}

/** Shared by default: plans are pure functions of a key list, so they never go stale. */
const SHARED_NORMALIZER = createPlannedNormalizer();

/** Parses one scandetails body; says which parser produced the outcome and why it fell back. */
export function parseScanDetailsPageDetailed(
  text: string,
  request: PageRequest,
  normalizer: RecordNormalizer = SHARED_NORMALIZER,
): DigitSafeParse {
  const fallback = (fallbackReason: FallbackReason): DigitSafeParse => ({
    parser: 'lossless',
    fallbackReason,
    outcome: parseScanDetailsPage(text, request),
  });
  if (detectBodyShape(text) !== 'json') return fallback('not-json');
  const trimmed = text.trim();
  // Decoding already replaced invalid UTF-8; the slice could not be the bytes received, so say so.
  if (trimmed.includes('\uFFFD')) return fallback('replacement-character');
  const scan = scanDigitSafe(trimmed);
  if (scan.kind === 'fallback') return fallback(scan.reason);
  let root: unknown;
  try {
    root = JSON.parse(scan.jsonText);
  } catch {
    return fallback('syntax');
  }
  if (countMembers(root) !== scan.memberCount) return fallback('duplicate-keys');

  const envelope = readEnvelope(shallowView(root));
  const done = (outcome: BodyOutcome<ParsedPage>): DigitSafeParse => ({ parser: 'digit-safe', outcome });
  if (envelope.kind === 'error') {
    return done({ kind: 'api_error', errorCode: envelope.errorCode, errorMessage: envelope.errorMessage });
  }
  if (envelope.kind === 'invalid') return done({ kind: 'invalid', reason: envelope.reason });
  const { response, messageType } = envelope;
  const total = readCount(response['total']);
  if (total === null)
    return done({ kind: 'invalid', reason: 'message_response.total is missing or not a count' });
  const limit = readCount(response['limit']) ?? request.pageSize;
  const page = readCount(response['page']) ?? request.page;
  if (limit === 0) return done({ kind: 'invalid', reason: 'message_response.limit is 0' });
  const rawRecords = findRecordsArray(response, messageType);
  if (rawRecords === null) return done({ kind: 'invalid', reason: 'JSON without a records array' });
  const recordsKey = Object.keys(response).find((key) => response[key] === rawRecords);
  const spans = recordsKey === undefined ? undefined : scan.spans.get(recordsKey);
  if (recordsKey === undefined || spans?.length !== rawRecords.length * 2) return fallback('records-span');

  const records: SystemRecord[] = [];
  const rejects: RejectedRecord[] = [];
  rawRecords.forEach((raw, index) => {
    const rawJson = trimmed.slice(spans[index * 2], spans[index * 2 + 1]);
    const result = normalizer(raw, index, rawJson);
    if (result.kind === 'ok') records.push(result.record);
    else rejects.push(result.reject);
  });
  const ids = records.map((record) => record.resource_id);
  return done({
    kind: 'parsed',
    value: { page, limit, total, records, ids, rejects, receivedCount: rawRecords.length, recordsKey },
  });
}

/** Drop-in for parseScanDetailsPage: same signature and output, `raw_json` as received. */
export function parseScanDetailsPageDigitSafe(text: string, request: PageRequest): BodyOutcome<ParsedPage> {
  return parseScanDetailsPageDetailed(text, request).outcome;
}
