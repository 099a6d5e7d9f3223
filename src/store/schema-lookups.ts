/**
 * Lookup tables for the status codes of `systems` (D80): one table per coded column, named after it
 * (`scan_status_codes`), `code` to `name`, with `source` saying how sure the meaning is. A code already
 * present is never rewritten, so a label an operator corrected in the file is kept; a same-named table
 * another tool created only gets rows when it has our three columns.
 */
import type Database from 'better-sqlite3';

/** How a meaning is known: the vendor's page for this endpoint, a sibling product's page, or seen in traffic. */
type Source = 'documented' | 'documented (Endpoint Central)' | 'documented (SoM computers)' | 'observed';

interface LookupTable {
  /** The `systems` column whose codes it explains; the table is named `<column>_codes`. */
  column: string;
  rows: readonly (readonly [code: number, name: string, source: Source])[];
}

export const LOOKUP_TABLES: readonly LookupTable[] = [
  {
    column: 'resource_health_status',
    rows: [
      [0, 'Unknown', 'documented'],
      [1, 'Healthy', 'documented'],
      [2, 'Vulnerable', 'documented'],
      [3, 'Highly vulnerable', 'documented'],
    ],
  },
  {
    column: 'computer_live_status',
    rows: [
      [1, 'Live', 'documented'],
      [2, 'Down', 'documented'],
      [3, 'Unknown', 'observed'],
    ],
  },
  {
    column: 'scan_status',
    rows: [
      [226, 'Failed', 'documented'],
      [227, 'In progress', 'documented'],
      [228, 'Success', 'documented'],
      [229, 'Not scanned', 'documented'],
    ],
  },
  {
    column: 'installation_status',
    rows: [
      [21, 'Agent not installed', 'documented'],
      [22, 'Agent installed', 'documented'],
      [23, 'Agent uninstalled', 'documented (SoM computers)'],
      [24, 'Agent yet to uninstall', 'documented (SoM computers)'],
      [29, 'Agent installation failed', 'documented (SoM computers)'],
    ],
  },
  {
    column: 'os_platform',
    rows: [
      [1, 'Windows', 'documented'],
      [2, 'Mac', 'documented'],
      [3, 'Linux', 'documented (Endpoint Central)'],
    ],
  },
];

export const LOOKUPS_VERSION = 9;

/** Migration 9: creates the lookup tables if missing and adds any code they lack. */
export function migrateLookups(db: Database.Database): void {
  for (const { column, rows } of LOOKUP_TABLES) {
    const table = `${column}_codes`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL
);`);
    if (!hasColumns(db, table, ['code', 'name', 'source'])) continue;
    // Not "OR IGNORE": a same-named table of another tool may lack the primary key on code.
    const insert = db.prepare(
      `INSERT INTO ${table} (code, name, source) SELECT ?, ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE code = ?)`,
    );
    for (const [code, name, source] of rows) insert.run(code, name, source, code);
  }
}

function hasColumns(db: Database.Database, table: string, wanted: readonly string[]): boolean {
  const present = new Set(
    (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((row) => row.name),
  );
  return wanted.every((name) => present.has(name));
}
