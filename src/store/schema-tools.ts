/** Introspection helpers for migrating tables another tool may have created with a different shape. */
import type Database from 'better-sqlite3';

/**
 * Whether the schema has this table or view: a read-only connection to a file from before a migration
 * lacks what the migration adds, and each reader falls back on the older layout.
 */
export function hasSchemaObject(db: Database.Database, type: 'table' | 'view', name: string): boolean {
  return db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get(type, name) !== undefined;
}

/** Adds each `[name, declaration]` column the table lacks. Table and column names are our constants. */
export function addMissingColumns(
  db: Database.Database,
  table: string,
  columns: readonly (readonly [string, string])[],
): void {
  const present = new Set(columnNames(db, table));
  for (const [name, declaration] of columns) {
    if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${declaration}`);
  }
}

function columnNames(db: Database.Database, table: string): string[] {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return rows.map((row) => row.name);
}

/**
 * Makes sure a UNIQUE constraint or unique index covers exactly `columns`, which `ON CONFLICT(...)`
 * upserts need. A table created by another tool without it gets a unique index; if its rows already
 * hold duplicates, SQLite refuses and the caller reports a database error instead of guessing.
 */
export function ensureUniqueKey(db: Database.Database, table: string, columns: readonly string[]): void {
  const wanted = [...columns].sort().join(',');
  const indexes = db.prepare(`PRAGMA index_list(${table})`).all() as {
    name: string;
    unique: number;
  }[];
  for (const index of indexes) {
    if (index.unique !== 1) continue;
    const info = db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[];
    if (
      info
        .map((column) => column.name)
        .sort()
        .join(',') === wanted
    )
      return;
  }
  const name = `ux_${table}_${columns.join('_')}`;
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${name} ON ${table}(${columns.join(', ')})`);
}
