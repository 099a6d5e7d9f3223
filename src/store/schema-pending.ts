/**
 * D134: the rows of the pass in progress, kept apart from `systems` until the pass is published. The
 * table has only its key and a page index, both appended to in page order, so every 10-page commit
 * writes the new rows and little else, instead of a leaf of each of the 16 downstream indexes per row
 * (resource_name, ip_address and the time columns are in random order: at 100,000 systems a commit
 * rewrote about 1,100 index pages). At publish the rows move into `systems` in one statement, in the
 * order they were first stored, so each downstream index is written once per pass, and `systems`
 * never holds half a pass. Columns: those of `systems` that this tool writes, plus `encoded` (migration 14,
 * D139: copies and shared text stored smaller, decoded by the move).
 */
import type Database from 'better-sqlite3';
import { addMissingColumns, hasSchemaObject } from './schema-tools.ts';
import { CHECKPOINT_WRITER, RAW_REF_COLUMNS } from './schema-extractor.ts';
import { SYSTEM_COLUMN_DECLARATIONS } from './system-columns.ts';
import { SYSTEM_ROW_COLUMNS } from './system-upsert.ts';
import { CREATE_PENDING_STRINGS, decodedColumn } from './pending-encoding.ts';

/** The declared type of each column `systems` has (the downstream list, D7, and our additions). */
const COLUMN_TYPES: ReadonlyMap<string, string> = new Map([
  ['snapshot_id', 'INTEGER'],
  ...SYSTEM_COLUMN_DECLARATIONS,
  ['raw_json', 'TEXT'],
  ['source_page', 'INTEGER'],
  ...RAW_REF_COLUMNS,
]);

function declaration(column: string): string {
  return `${column} ${COLUMN_TYPES.get(column) ?? 'TEXT'}`;
}

const CREATE_PENDING_SYSTEMS = `
CREATE TABLE IF NOT EXISTS pending_systems (
    pending_id INTEGER PRIMARY KEY,
    ${SYSTEM_ROW_COLUMNS.map(declaration).join(',\n    ')},
    UNIQUE (snapshot_id, resource_id)
);
CREATE INDEX IF NOT EXISTS idx_pending_systems_page ON pending_systems(snapshot_id, source_page);`;

const ROW_COLUMNS = SYSTEM_ROW_COLUMNS.join(', ');

export type PendingTable = 'pending_systems' | 'systems';

/**
 * Where this connection finds the pass in progress: `systems` on a file from before migration 13
 * (opened read-only, so not migrated), whose passes kept their rows there.
 */
export function pendingTableOf(db: Database.Database): PendingTable {
  return hasSchemaObject(db, 'table', 'pending_systems') ? 'pending_systems' : 'systems';
}

/** Migration 14 (D139): the mask column and the snapshot's dictionary of strings. */
export function migratePendingEncoding(db: Database.Database): void {
  addMissingColumns(db, 'pending_systems', [['encoded', 'INTEGER']]);
  db.exec(CREATE_PENDING_STRINGS);
}

/**
 * Rows moved per statement at publish (D135): the pages freed by deleting one chunk from
 * pending_systems are reused by the next chunk's inserts into systems, so the file never holds both
 * copies and no vacuum has to move the new rows back into the freed space. Only the first chunk finds
 * nothing freed, so a chunk is a 32nd of the pass (the file grows by about 3% of the pass), at least
 * 100 rows and at most 2,500 (about 1.6 MiB of table pages): at 100,000 systems chunks of 250 rows
 * cost 17% more CPU than chunks of 2,500, for 3% fewer writes.
 */
const MOVE_CHUNK_PARTS = 32;
const MIN_MOVE_CHUNK_ROWS = 100;
export const MAX_MOVE_CHUNK_ROWS = 2500;

/** The chunk for a pass whose pending_ids span `spanRows`. */
export function moveChunkRows(spanRows: number): number {
  return Math.min(MAX_MOVE_CHUNK_ROWS, Math.max(MIN_MOVE_CHUNK_ROWS, Math.ceil(spanRows / MOVE_CHUNK_PARTS)));
}

/** The statements that move the rows of `@snapshot` into `systems`, `@from` ≤ pending_id < `@to`. */
export interface PendingMoveSql {
  /** `first`, `last`: the pass's smallest and largest pending_id, null when it has no rows. */
  range: string;
  move: string;
  clear: string;
  /** The snapshot's dictionary (D139), deleted once its rows have moved; null without one. */
  clearStrings: string | null;
}

/**
 * Moving the rows of `@snapshot` into `systems` and clearing them (publish, inside its transaction);
 * null with the old layout, which has nothing to move (a read-only connection never publishes anyway).
 */
export function pendingMoves(table: PendingTable, encoded: boolean): PendingMoveSql | null {
  if (table === 'systems') return null;
  const chunk = 'snapshot_id = @snapshot AND pending_id >= @from AND pending_id < @to';
  // D139: each column as stored, or as decoded from the row's mask.
  const selected = encoded ? SYSTEM_ROW_COLUMNS.map(decodedColumn).join(', ') : ROW_COLUMNS;
  return {
    range: `SELECT MIN(pending_id) AS first, MAX(pending_id) AS last FROM pending_systems
      WHERE snapshot_id = @snapshot`,
    move: `INSERT INTO systems (${ROW_COLUMNS})
      SELECT ${selected} FROM pending_systems p WHERE ${chunk} ORDER BY pending_id`,
    clear: `DELETE FROM pending_systems WHERE ${chunk}`,
    clearStrings: encoded ? 'DELETE FROM pending_strings WHERE snapshot_id = @snapshot' : null,
  };
}

/**
 * Migration 13: the table, and the rows of this tool's passes still in progress moved into it (a file
 * upgraded in the middle of a pass resumes it; its rows reach `systems` when it is published).
 */
export function migratePending(db: Database.Database): void {
  db.exec(CREATE_PENDING_SYSTEMS);
  const inProgress = `SELECT s.snapshot_id FROM snapshots s
    JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
    WHERE c.written_by = '${CHECKPOINT_WRITER}' AND s.status = 'partial'`;
  db.exec(`INSERT OR IGNORE INTO pending_systems (${ROW_COLUMNS})
    SELECT ${ROW_COLUMNS} FROM systems WHERE snapshot_id IN (${inProgress}) ORDER BY system_id;
    DELETE FROM systems WHERE snapshot_id IN (${inProgress});`);
}
