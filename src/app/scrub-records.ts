/**
 * D54: the API may echo what it was sent (an access token in a field, a client secret in a
 * description). Every text column and `raw_json` of a record goes through the run's SecretRegistry
 * before the record reaches the store, as log lines and gap rows already do. The id is left alone:
 * it is a canonical decimal integer (D51), and digits are no secret's form worth shredding ids for.
 */
import type { ParsedPage } from '../api/index.ts';
import type { SecretRegistry } from '../observability/index.ts';
import type { SystemRecord } from '../store/index.ts';

/** Joins a record's strings for one scan: a needle found across two of them only costs the slow path. */
const SEPARATOR = '\u0000';

function scrubRecord(record: SystemRecord, secrets: SecretRegistry): SystemRecord {
  // D91: almost no record holds a secret, so test all its strings joined once, and scrub field by
  // field only a record that may hold one.
  const strings = [record.raw_json];
  for (const value of Object.values(record.columns)) if (typeof value === 'string') strings.push(value);
  if (!secrets.mayContain(strings.join(SEPARATOR))) return record;
  const columns: Record<string, string | number | null> = {};
  for (const [column, value] of Object.entries(record.columns)) {
    columns[column] = typeof value === 'string' ? secrets.scrub(value) : value;
  }
  return { resource_id: record.resource_id, columns, raw_json: secrets.scrub(record.raw_json) };
}

export function scrubPage(page: ParsedPage, secrets: SecretRegistry): ParsedPage {
  if (secrets.size === 0) return page;
  return { ...page, records: page.records.map((record) => scrubRecord(record, secrets)) };
}
