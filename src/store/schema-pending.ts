/**
 * D134: the rows of the pass in progress, kept apart from `systems` until the pass is published. The
 * table has only its key and a page index, both appended to in page order, so every 10-page commit
 * writes the new rows and little else, instead of a leaf of each of the 16 downstream indexes per row
 * (resource_name, ip_address and the time columns are in random order: at 100,000 systems a commit
 * rewrote about 1,100 index pages). At publish the rows move into `systems` in one statement, in the
 * order they were first stored, so each downstream index is written once per pass, and `systems`
 * never holds half a pass. Columns: those of `systems` that this tool writes.
 */
import type Database from 'better-sqlite3';
import { hasSchemaObject } from './schema-tools.ts';
import { CHECKPOINT_WRITER, RAW_REF_COLUMNS } from './schema-extractor.ts';
import { SYSTEM_COLUMN_DECLARATIONS } from './system-columns.ts';
import { SYSTEM_ROW_COLUMNS } from './system-upsert.ts';

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

/**
 * Moving the rows of `@snapshot` into `systems` and clearing them (publish, inside its transaction);
 * with the old layout there is nothing to move, and a read-only connection never publishes anyway.
 */
export function pendingMoves(table: PendingTable): { move: string; clear: string } {
  if (table === 'systems') {
    const nothing = 'UPDATE snapshots SET status = status WHERE 0 AND snapshot_id = @snapshot';
    return { move: nothing, clear: nothing };
  }
  return {
    move: `INSERT INTO systems (${ROW_COLUMNS})
      SELECT ${ROW_COLUMNS} FROM pending_systems WHERE snapshot_id = @snapshot ORDER BY pending_id`,
    clear: 'DELETE FROM pending_systems WHERE snapshot_id = @snapshot',
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
