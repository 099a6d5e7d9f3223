/** Read-only views of a database the CLI child wrote, for end-to-end assertions. */
import Database from 'better-sqlite3';
import { inflateSync } from 'node:zlib';

/**
 * The sqlite3 shell's sqlar_uncompress, as any other SQLite client registers it to read the view
 * system_raw_json (the README's recipe, D70): zlib data, stored as is when raw_size = its length.
 */
function registerSqlarUncompress(db: Database.Database): void {
  db.function('sqlar_uncompress', (data: unknown, rawSize: unknown) =>
    Buffer.isBuffer(data) && Number(rawSize) !== data.length ? inflateSync(data) : data,
  );
}

/** raw_json of every stored system (view system_raw_json), with resource_id and snapshot. */
export function rawRecords(dbPath: string): { snapshot_id: number; resource_id: string; raw_json: string }[] {
  return withDb(dbPath, (db) => {
    registerSqlarUncompress(db);
    return db
      .prepare('SELECT snapshot_id, resource_id, raw_json FROM system_raw_json ORDER BY system_id')
      .all() as { snapshot_id: number; resource_id: string; raw_json: string }[];
  });
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
      registerSqlarUncompress(db);
      const raws = db.prepare('SELECT raw_json FROM system_raw_json').pluck().all() as string[];
      for (const value of raws) cells.push({ table: 'system_raw_json', column: 'raw_json', value });
    }
    return cells;
  });
}
