/**
 * The systems upsert: one row per (snapshot_id, resource_id), `INSERT ... ON CONFLICT DO UPDATE` so
 * `system_id` never churns (INSERT OR REPLACE would delete and re-insert). Values are made safe for
 * the downstream constraints here so that no row is ever dropped silently (D5).
 */
import { ExtractorError } from '../platform/index.ts';
import type { RawRef } from './raw-parts.ts';
import type { SystemRecord } from './store.ts';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_REQUIRED_COLUMNS, SYSTEM_TEXT_COLUMNS } from './system-columns.ts';

type SqlValue = string | number | null;

/** The mapped columns of a `systems` row, in the order systemColumnValues() returns them. */
export const SYSTEM_DATA_COLUMNS: readonly string[] = [
  ...SYSTEM_REQUIRED_COLUMNS,
  ...SYSTEM_TEXT_COLUMNS,
  ...SYSTEM_INTEGER_COLUMNS,
];
const DATA_COLUMNS = SYSTEM_DATA_COLUMNS;
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(SYSTEM_INTEGER_COLUMNS);
/** Every column of a `systems` row this tool writes, in upsertSystemSql()'s parameter order. */
export const SYSTEM_ROW_COLUMNS: readonly string[] = [
  'snapshot_id',
  'resource_id',
  ...DATA_COLUMNS,
  'raw_json',
  'source_page',
  'raw_part',
  'raw_offset',
  'raw_length',
  'created_at',
  'updated_at',
];
/** Everything but the key and created_at is refreshed on conflict. */
const UPDATED_COLUMNS = SYSTEM_ROW_COLUMNS.filter(
  (name) => !['snapshot_id', 'resource_id', 'created_at'].includes(name),
);

/**
 * Into the pass's own table (pending_systems, D134); its rows reach `systems` at publish. `encoded`: the
 * row ends with D139's mask, one more parameter.
 */
export function upsertSystemSql(table: string, encoded: boolean): string {
  const columns = encoded ? [...SYSTEM_ROW_COLUMNS, 'encoded'] : SYSTEM_ROW_COLUMNS;
  const updated = encoded ? [...UPDATED_COLUMNS, 'encoded'] : UPDATED_COLUMNS;
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) ` +
    `VALUES (${columns.map(() => '?').join(', ')}) ` +
    'ON CONFLICT(snapshot_id, resource_id) DO UPDATE SET ' +
    updated.map((name) => `${name} = excluded.${name}`).join(', ')
  );
}

/** resource_health_status has CHECK IN (0,1,2,3): anything else ("--", -1, 7) means "unknown". */
function healthValue(value: SqlValue): number | null {
  const health = typeof value === 'string' && /^[0-3]$/.test(value) ? Number(value) : value;
  return typeof health === 'number' && Number.isInteger(health) && health >= 0 && health <= 3 ? health : null;
}

function columnValue(name: string, value: SqlValue | undefined): SqlValue {
  if (value === undefined) return null;
  if (name === 'resource_health_status') return healthValue(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (INTEGER_COLUMNS.has(name) || value === null || typeof value === 'string') return value;
  return String(value);
}

/**
 * Positional parameters for upsertSystemSql(). Column keys outside the downstream list are ignored
 * (the record is kept whole in its page's raw part, at `ref`; raw_json itself is NULL, D70).
 */
export function systemParams(
  snapshotId: number,
  page: number,
  record: SystemRecord,
  ref: RawRef,
  nowSql: string,
): SqlValue[] {
  const values = systemColumnValues(page, record);
  const rawRef = [ref.part, ref.offset, ref.length];
  return [snapshotId, record.resource_id, ...values, null, page, ...rawRef, nowSql, nowSql];
}

/**
 * The SYSTEM_DATA_COLUMNS values of a record, made safe for the downstream constraints; shared by
 * both stores. A value the schema cannot take (empty id, missing required column) throws
 * database_error naming the system, rather than losing the row.
 */
export function systemColumnValues(page: number, record: SystemRecord): SqlValue[] {
  if (typeof record.resource_id !== 'string' || record.resource_id === '') {
    throw new ExtractorError('database_error', `System on page ${page} has no resource_id`);
  }
  const values = DATA_COLUMNS.map((name) => columnValue(name, record.columns[name]));
  for (const [index, name] of SYSTEM_REQUIRED_COLUMNS.entries()) {
    if (values[index] === null) {
      throw new ExtractorError(
        'database_error',
        `System ${record.resource_id} (page ${page}) has no ${name}; the downstream schema requires it`,
      );
    }
  }
  return values;
}
