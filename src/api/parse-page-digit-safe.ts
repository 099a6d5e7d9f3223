/**
 * parseScanDetailsPage with the digit-safe parser (issue 11): the same ParsedPage (page, limit, total,
 * ids, every column, rejects), except that each `raw_json` is the record's exact slice of the
 * response. A page the scan cannot handle with certainty (see FallbackReason) goes through the
 * lossless path unchanged, so its output, errors included, is today's.
 */
import { LosslessNumber } from 'lossless-json';
import type { BodyOutcome } from './attempt-result.ts';
import { detectBodyShape } from './detect-body-shape.ts';
import { quoteUnsafe, scanDigitSafe, UNSAFE_MARKER } from './digit-safe-scan.ts';
import type { FallbackReason, ScanResult } from './digit-safe-scan.ts';
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

/** JSON whitespace (RFC 8259): what may stand beside the comma between two elements. */
const JSON_SPACE = /^[ \t\n\r]*,[ \t\n\r]*$/;

type Scanned = Extract<ScanResult, { kind: 'scanned' }>;

/** The body with the elements of every array under message_response cut out (each array left empty). */
function envelopeText(text: string, scan: Scanned): string {
  const pieces: string[] = [];
  let copied = 0;
  for (const spans of scan.spans.values()) {
    const first = spans[0];
    const last = spans[spans.length - 1];
    if (first === undefined || last === undefined) continue;
    pieces.push(quoteUnsafe(text, copied, first, scan.unsafe));
    copied = last;
  }
  pieces.push(quoteUnsafe(text, copied, text.length, scan.unsafe));
  return pieces.join('');
}

interface Elements {
  /** Object members inside the elements, counted as countMembers does. */
  members: number;
  records: SystemRecord[];
  rejects: RejectedRecord[];
}

/** Elements per JSON.parse call: one call for a page of 25, and a page of 1000 never as one tree. */
const ELEMENTS_PER_PARSE = 25;

/**
 * Parses every element of every array under message_response (JSON.parse of the whole body would have
 * checked them all), ELEMENTS_PER_PARSE at a time as one array, and normalises those of `recordsKey` at
 * once, while each tree is young. JSON.parse checks what lies between the elements of a group; between
 * two groups it must be a single comma. Null when either fails, or a group is not exactly its elements.
 */
function parseElements(
  text: string,
  scan: Scanned,
  recordsKey: string | undefined,
  normalizer: RecordNormalizer,
): Elements | null {
  const elements: Elements = { members: 0, records: [], rejects: [] };
  for (const [key, spans] of scan.spans) {
    const count = spans.length / 2;
    const isRecords = key === recordsKey;
    for (let first = 0; first < count; first += ELEMENTS_PER_PARSE) {
      const last = Math.min(first + ELEMENTS_PER_PARSE, count) - 1;
      if (first > 0 && !JSON_SPACE.test(text.slice(spans[first * 2 - 1], spans[first * 2]))) return null;
      let group: unknown;
      try {
        group = JSON.parse(
          `[${quoteUnsafe(text, spans[first * 2] ?? 0, spans[last * 2 + 1] ?? 0, scan.unsafe)}]`,
        );
      } catch {
        return null;
      }
      // A group is whole elements with commas between them (scan), so anything else is a syntax error.
      if (!Array.isArray(group) || group.length !== last - first + 1) return null;
      group.forEach((element: unknown, offset) => {
        elements.members += countMembers(element);
        if (!isRecords) return;
        const index = first + offset;
        const rawJson = text.slice(spans[index * 2], spans[index * 2 + 1]);
        const result = normalizer(element, index, rawJson);
        if (result.kind === 'ok') elements.records.push(result.record);
        else elements.rejects.push(result.reject);
      });
    }
  }
  return elements;
}

/**
 * Parses one scandetails body; says which parser produced the outcome and why it fell back. The envelope
 * and each record are parsed on their own (D136): a record's tree is garbage as soon as it is normalised,
 * and no second copy of the whole body is built, which a page of 1000 records would otherwise hold twice.
 */
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
    root = JSON.parse(envelopeText(trimmed, scan));
  } catch {
    return fallback('syntax');
  }
  const envelope = readEnvelope(shallowView(root));
  const rawRecords =
    envelope.kind === 'ok' ? findRecordsArray(envelope.response, envelope.messageType) : null;
  const recordsKey =
    envelope.kind !== 'ok' || rawRecords === null
      ? undefined
      : Object.keys(envelope.response).find((key) => envelope.response[key] === rawRecords);
  const elements = parseElements(trimmed, scan, recordsKey, normalizer);
  if (elements === null) return fallback('syntax');
  if (countMembers(root) + elements.members !== scan.memberCount) return fallback('duplicate-keys');
  const { records, rejects } = elements;

  const done = (outcome: BodyOutcome<ParsedPage>): DigitSafeParse => ({ parser: 'digit-safe', outcome });
  if (envelope.kind === 'error') {
    return done({ kind: 'api_error', errorCode: envelope.errorCode, errorMessage: envelope.errorMessage });
  }
  if (envelope.kind === 'invalid') return done({ kind: 'invalid', reason: envelope.reason });
  const total = readCount(envelope.response['total']);
  if (total === null)
    return done({ kind: 'invalid', reason: 'message_response.total is missing or not a count' });
  const limit = readCount(envelope.response['limit']) ?? request.pageSize;
  const page = readCount(envelope.response['page']) ?? request.page;
  if (limit === 0) return done({ kind: 'invalid', reason: 'message_response.limit is 0' });
  if (rawRecords === null) return done({ kind: 'invalid', reason: 'JSON without a records array' });
  const recordSpans = recordsKey === undefined ? undefined : scan.spans.get(recordsKey);
  if (recordsKey === undefined || recordSpans === undefined) return fallback('records-span');
  const receivedCount = recordSpans.length / 2;
  const ids = records.map((record) => record.resource_id);
  return done({
    kind: 'parsed',
    value: { page, limit, total, records, ids, rejects, receivedCount, recordsKey },
  });
}

/** Drop-in for parseScanDetailsPage: same signature and output, `raw_json` as received. */
export function parseScanDetailsPageDigitSafe(text: string, request: PageRequest): BodyOutcome<ParsedPage> {
  return parseScanDetailsPageDetailed(text, request).outcome;
}
