/**
 * Before touching a database another tool created, make sure we can live in it. The 2026 "unified"
 * PMP schema has a `systems` table with NOT NULL columns we never write (computer_name, ...): adding
 * our columns to it would succeed, and then every commit would fail. So such a table is refused up
 * front, with the fix, before the file is switched to WAL or migrated (D19).
 */
import type Database from 'better-sqlite3';
import { ExtractorError } from '../platform/index.ts';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_REQUIRED_COLUMNS, SYSTEM_TEXT_COLUMNS } from './system-columns.ts';

/** Every `systems` column this tool writes (or that has a key/default of its own). */
const WRITTEN_COLUMNS: ReadonlySet<string> = new Set([
  'system_id',
  'snapshot_id',
  'resource_id',
  'raw_json',
  'source_page',
  'raw_part',
  'raw_offset',
  'raw_length',
  'created_at',
  'updated_at',
  ...SYSTEM_REQUIRED_COLUMNS,
  ...SYSTEM_TEXT_COLUMNS,
  ...SYSTEM_INTEGER_COLUMNS,
]);

interface ColumnInfo {
  name: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

export function assertCompatibleSystemsTable(db: Database.Database, path: string): void {
  const columns = db
    .prepare(`SELECT name, "notnull", dflt_value, pk FROM pragma_table_info('systems')`)
    .all() as ColumnInfo[];
  const unwritable = columns
    .filter((column) => column.notnull === 1 && column.dflt_value === null && column.pk === 0)
    .map((column) => column.name)
    .filter((name) => !WRITTEN_COLUMNS.has(name));
  if (unwritable.length === 0) return;
  throw new ExtractorError(
    'database_error',
    `The database ${path} has a \`systems\` table from another tool with required columns this ` +
      `extractor does not write (${unwritable.join(', ')}). Nothing was changed. Point PMP_DB_PATH / --db ` +
      'at a separate database file for pmp-extractor.',
  );
}
