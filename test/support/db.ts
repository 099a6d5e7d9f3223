/** Read-only views of a database the CLI child wrote, for end-to-end assertions. */
import Database from 'better-sqlite3';

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
    return cells;
  });
}
