/**
 * API record → downstream `systems` row (D5, D7). Dotted keys map to underscore columns,
 * sentinels become NULL, the id keeps every digit, and NOT NULL columns are always filled. A record
 * without a usable id is returned as a reject so the caller counts and logs it (D5: the
 * predecessor dropped 29 rows with only a log line).
 */
import {
  SYSTEM_INTEGER_COLUMNS,
  SYSTEM_TEXT_COLUMNS,
  SYSTEM_TIME_COLUMNS,
  type SystemRecord,
} from '../store/index.ts';
import { isJsonObject, stringifyLossless } from './lossless.ts';
import type { JsonValue } from './lossless.ts';
import { readResourceId } from './resource-id.ts';
import { toIntegerValue, toTextValue } from './normalize-value.ts';

export interface RejectedRecord {
  /** Position of the record in the page's array (0-based). */
  index: number;
  reason: string;
  raw_json: string;
}

export type NormalizeResult =
  { kind: 'ok'; record: SystemRecord } | { kind: 'rejected'; reject: RejectedRecord };

/** Keys whose column is not simply "dots → underscores". */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  'resource.name': 'resource_name',
  'resource.domain_netbios_name': 'domain_netbios_name',
};

const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  ...SYSTEM_TEXT_COLUMNS,
  'resource_name',
  'branch_office_name',
]);
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(SYSTEM_INTEGER_COLUMNS);
const ALL_COLUMNS: readonly string[] = [...TEXT_COLUMNS, ...INTEGER_COLUMNS];
const UNKNOWN_BRANCH = '(unknown)';

function columnFor(key: string): string {
  return KEY_ALIASES[key] ?? key.replace(/\./g, '_');
}

function coerce(column: string, value: JsonValue | undefined): string | number | null {
  if (TEXT_COLUMNS.has(column)) return toTextValue(value);
  const integer = toIntegerValue(value);
  if (SYSTEM_TIME_COLUMNS.has(column) && integer === -1) return null;
  if (column === 'resource_health_status' && (typeof integer !== 'number' || integer < 0 || integer > 3)) {
    return null;
  }
  return integer;
}

export function normalizeRecord(raw: JsonValue, index: number): NormalizeResult {
  const rawJson = stringifyLossless(raw);
  if (!isJsonObject(raw))
    return { kind: 'rejected', reject: { index, reason: 'record is not an object', raw_json: rawJson } };
  const id = readResourceId({
    resource_id_string: raw['resource_id_string'],
    resource_id: raw['resource_id'],
  });
  if (id.kind === 'rejected')
    return { kind: 'rejected', reject: { index, reason: id.reason, raw_json: rawJson } };
  const resourceId = id.id;
  const columns: Record<string, string | number | null> = {};
  for (const column of ALL_COLUMNS) columns[column] = null;
  // Dotted keys first, then exact column names, so `resource_name` wins over `resource.name` when both
  // carry a value, and a NULL sentinel never overwrites a real value.
  const keys = Object.keys(raw).sort((a, b) => Number(!a.includes('.')) - Number(!b.includes('.')));
  for (const key of keys) {
    const column = columnFor(key);
    if (!(column in columns)) continue;
    const value = coerce(column, raw[key]);
    if (value !== null) columns[column] = value;
  }
  columns['resource_name'] ??= resourceId;
  columns['branch_office_name'] ??= UNKNOWN_BRANCH;
  return { kind: 'ok', record: { resource_id: resourceId, columns, raw_json: rawJson } };
}
