/** Read-only views of a database the CLI child wrote, for end-to-end assertions. */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { rawJsonFrom } from '../../src/store/schema-extractor.ts';
import { decodedPendingRows } from '../../src/store/pending-encoding.ts';

/**
 * The sqlite3 shell's sqlar_uncompress, as any other SQLite client registers it to read the view
 * system_raw_json (the README's recipe, D70): zlib data, stored as is when raw_size = its length.
 */
function registerSqlarUncompress(db: Database.Database): void {
  db.function('sqlar_uncompress', (data: unknown, rawSize: unknown) =>
    Buffer.isBuffer(data) && Number(rawSize) !== data.length ? inflateSync(data) : data,
  );
}

/**
 * `columns` of every stored system: those of passes in progress (pending_systems, D134) first, then
 * the published ones (systems), each in the order they were stored; `where` filters both (its
 * parameters are bound once per table). Use as a statement or as `FROM (${...})`.
 */
export function storedSystems(columns: string, where = 'TRUE'): string {
  // Each row also carries stored_stage and stored_n, its place in that order.
  return `SELECT * FROM (
      SELECT ${columns}, 0 AS stored_stage, pending_id AS stored_n FROM (${decodedPendingRows()}) WHERE ${where}
      UNION ALL SELECT ${columns}, 1, system_id FROM systems WHERE ${where})
    ORDER BY stored_stage, stored_n`;
}

/** The record of a pending_systems row `s`, read as the view system_raw_json reads `systems`. */
const PENDING_RAW = `SELECT s.snapshot_id, s.resource_id,
${rawJsonFrom('pending_systems')}
ORDER BY s.pending_id`;

/**
 * raw_json of every stored system, with resource_id and snapshot: the published ones through the
 * view system_raw_json, the pass in progress from pending_systems (D134).
 */
export function rawRecords(dbPath: string): { snapshot_id: number; resource_id: string; raw_json: string }[] {
  return withDb(dbPath, (db) => rawRecordsOf(db));
}

function rawRecordsOf(
  db: Database.Database,
): { snapshot_id: number; resource_id: string; raw_json: string }[] {
  registerSqlarUncompress(db);
  type Raw = { snapshot_id: number; resource_id: string; raw_json: string };
  const published = db
    .prepare('SELECT snapshot_id, resource_id, raw_json FROM system_raw_json ORDER BY system_id')
    .all() as Raw[];
  const hasPending = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'pending_systems'").get();
  return [...(hasPending === undefined ? [] : (db.prepare(PENDING_RAW).all() as Raw[])), ...published];
}

/** Runs `read` on a read-only connection to the child's database, and closes it. */
export function withDb<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export interface GapRow {
  page_num: number;
  error_type: string;
  error_message: string | null;
  response_sample: string | null;
  attempts: number;
  resolved: number;
}

export function gapRows(dbPath: string): GapRow[] {
  return withDb(
    dbPath,
    (db) =>
      db
        .prepare(
          'SELECT page_num, error_type, error_message, response_sample, attempts, resolved FROM extraction_gaps ORDER BY page_num',
        )
        .all() as GapRow[],
  );
}

export interface TextCell {
  table: string;
  column: string;
  value: string;
}

/** Every TEXT value in every table of the database (what a canary must never appear in). */
export function textCells(dbPath: string): TextCell[] {
  return withDb(dbPath, (db) => {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const cells: TextCell[] = [];
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value === 'string') cells.push({ table, column, value });
        }
      }
    }
    // The raw records are compressed blobs (D70): read them as a user would, through the view.
    if (tables.includes('system_raw_parts')) {
      for (const { raw_json: value } of rawRecordsOf(db)) {
        cells.push({ table: 'system_raw_json', column: 'raw_json', value });
      }
    }
    return cells;
  });
}

/** A SQLite database's bytes on disk: the file, its -wal and its -shm (each 0 when absent). */
export function sqliteFileBytes(dbPath: string): number {
  const bytes = (path: string): number => (existsSync(path) ? statSync(path).size : 0);
  return bytes(dbPath) + bytes(`${dbPath}-wal`) + bytes(`${dbPath}-shm`);
}

/**
 * Overwrites the root page of `table` with garbage (its first 8 bytes, the page header's start, kept
 * intact), so a quick_check of that table fails and the other tables stay readable (D142). The file
 * must have no -wal (a closed store folds it in).
 */
export function damageTable(dbPath: string, table: string): void {
  const { rootPage, pageBytes } = withDb(dbPath, (db) => ({
    rootPage: db
      .prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .pluck()
      .get(table) as number,
    pageBytes: db.pragma('page_size', { simple: true }) as number,
  }));
  const fd = openSync(dbPath, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageBytes - 16, 0xa5), 0, pageBytes - 16, (rootPage - 1) * pageBytes + 8);
  } finally {
    closeSync(fd);
  }
}
