/**
 * Body text of `GET /api/1.4/patch/scandetails` → ParsedPage (D5): the one page type from here to the
 * extraction loop (the retry layer and the page source pass it on untouched). `total` may be a number or a
 * numeric string; `limit` and `page` fall back to what was requested when the API does not echo them.
 */
import type { SystemRecord } from '../store/index.ts';
import type { BodyOutcome } from './attempt-result.ts';
import { readCount } from './envelope.ts';
import { normalizeRecord } from './normalize-record.ts';
import type { RejectedRecord } from './normalize-record.ts';
import { parseEnvelope } from './parse-envelope.ts';
import { findRecordsArray } from './records-array.ts';

export interface ParsedPage {
  /** Page number the API echoed (1-based). */
  page: number;
  /** Page size the API echoed; use it, not the requested one, to compute the page count. */
  limit: number;
  /** Systems matching the query across all pages (not the page count). */
  total: number;
  records: SystemRecord[];
  /** resource_id of every record, in page order: computed once here, read by paging and drift. */
  ids: string[];
  /** Records that could not be mapped (no id): the caller counts and logs them. */
  rejects: RejectedRecord[];
  /** Records the page carried, including the rejected ones (drives short-page detection). */
  receivedCount: number;
  /** The `message_response` key the records sat under (`scandetails`, `computers`, ...). */
  recordsKey: string;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export function parseScanDetailsPage(text: string, request: PageRequest): BodyOutcome<ParsedPage> {
  try {
    return parsePage(text, request);
  } catch (error) {
    // A value nested deeply enough to exhaust the stack while a record is normalised (the hostile
    // input property tests found it): an unusable page, retried and then a gap, never a crash.
    if (error instanceof RangeError) return { kind: 'invalid', reason: 'JSON nested too deeply' };
    throw error;
  }
}

function parsePage(text: string, request: PageRequest): BodyOutcome<ParsedPage> {
  const parsed = parseEnvelope<ParsedPage>(text);
  if (parsed.kind === 'failure') return parsed.outcome;
  const { response, messageType } = parsed;
  const total = readCount(response['total']);
  if (total === null) return { kind: 'invalid', reason: 'message_response.total is missing or not a count' };
  const limit = readCount(response['limit']) ?? request.pageSize;
  const page = readCount(response['page']) ?? request.page;
  if (limit === 0) return { kind: 'invalid', reason: 'message_response.limit is 0' };
  const rawRecords = findRecordsArray(response, messageType);
  if (rawRecords === null) return { kind: 'invalid', reason: 'JSON without a records array' };

  const records: SystemRecord[] = [];
  const rejects: RejectedRecord[] = [];
  rawRecords.forEach((raw, index) => {
    const result = normalizeRecord(raw, index);
    if (result.kind === 'ok') records.push(result.record);
    else rejects.push(result.reject);
  });
  const ids = records.map((record) => record.resource_id);
  const receivedCount = rawRecords.length;
  const recordsKey = Object.keys(response).find((key) => response[key] === rawRecords) ?? '';
  return {
    kind: 'parsed',
    value: { page, limit, total, records, ids, rejects, receivedCount, recordsKey },
  };
}
