/**
 * A batch's systems as column arrays for one `INSERT ... SELECT FROM unnest(...)` (D101): one
 * statement, one round trip, for every system of up to 10 pages, whatever the page size (a
 * statement takes at most 65,535 parameters; here there is one per column, not one per value).
 */
import {
  SYSTEM_DATA_COLUMNS,
  SYSTEM_INTEGER_COLUMNS,
  systemColumnValues,
  type CommitBatch,
} from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import { tsParam } from './values.ts';

type SqlValue = string | number | null;

const INTEGER_COLUMNS: ReadonlySet<string> = new Set(SYSTEM_INTEGER_COLUMNS);
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** Inserted columns after snapshot_id, each with the array type of its parameter. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['resource_id', 'text'],
  ...SYSTEM_DATA_COLUMNS.map((name) => [name, INTEGER_COLUMNS.has(name) ? 'bigint' : 'text'] as const),
  ['raw_json', 'text'],
  ['source_page', 'integer'],
];
const FIRST_ARRAY_PARAM = 3;

const quoted = (name: string): string => `"${name}"`;

/** $1 snapshot id, $2 now (epoch ms), then one array per column; rows keep their batch order. */
export function upsertSystemsSql(s: QuotedSchema): string {
  const names = COLUMNS.map(([name]) => quoted(name));
  const arrays = COLUMNS.map(([, type], index) => `$${FIRST_ARRAY_PARAM + index}::${type}[]`);
  const updated = [...names.slice(1), '"updated_at"'];
  return (
    `INSERT INTO ${s}.systems ("snapshot_id", ${names.join(', ')}, "created_at", "updated_at") ` +
    `SELECT $1, ${names.map((name) => `t.${name}`).join(', ')}, ${tsParam(2)}, ${tsParam(2)} ` +
    `FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS t(${names.join(', ')}, ord) ORDER BY t.ord ` +
    'ON CONFLICT ("snapshot_id", "resource_id") DO UPDATE SET ' +
    updated.map((name) => `${name} = EXCLUDED.${name}`).join(', ')
  );
}

/**
 * An INTEGER value Postgres can store in BIGINT, else NULL: a digit string beyond int8, or a
 * fraction, which SQLite would keep as REAL. The record's raw_json keeps the value whole (D98).
 */
function bigintValue(value: SqlValue): SqlValue {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (value === null || !/^-?\d+$/.test(value)) return null;
  const big = BigInt(value);
  return big >= INT8_MIN && big <= INT8_MAX ? value : null;
}

/** Postgres TEXT cannot hold U+0000 (a `\u0000` escape in the record): U+FFFD takes its place. */
function textValue(value: SqlValue): SqlValue {
  if (value === null) return null;
  return typeof value === 'string' ? value.replaceAll('\u0000', '\uFFFD') : String(value);
}

export interface SystemArrays {
  /** Distinct resource ids of the batch, in first-seen order. */
  ids: string[];
  /** One array per column of upsertSystemsSql, from $3 on. */
  arrays: SqlValue[][];
}

/**
 * Validates every system (the SQLite store's rules, systemColumnValues) and lays the batch out by
 * column. An id seen twice in the batch (a page stored twice, a system that moved pages) is one row
 * with the values of its LAST occurrence at the place of its first, exactly what consecutive upserts
 * leave in SQLite; Postgres refuses to upsert the same key twice in one statement.
 */
export function systemArrays(batch: CommitBatch): SystemArrays {
  const rows = new Map<string, SqlValue[]>();
  for (const { page, systems } of batch.pages) {
    for (const record of systems) {
      const values = systemColumnValues(page, record).map((value, index) =>
        INTEGER_COLUMNS.has(SYSTEM_DATA_COLUMNS[index] ?? '') ? bigintValue(value) : textValue(value),
      );
      rows.set(record.resource_id, [record.resource_id, ...values, record.raw_json, page]);
    }
  }
  const arrays = COLUMNS.map((_, column) => [...rows.values()].map((row) => row[column] ?? null));
  return { ids: [...rows.keys()], arrays };
}
