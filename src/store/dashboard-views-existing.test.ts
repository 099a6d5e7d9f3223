/**
 * Migrations 9 and 10 in a file that already has objects of those names (D80, D81): a user's view or
 * table is left exactly as it was, a corrected label is kept, and every open is idempotent.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { LOOKUP_TABLES } from './schema-lookups.ts';

const VIEWS = [
  'latest_system_details',
  'organization_summary',
  'os_distribution',
  'high_risk_systems',
  'stale_systems',
  'scan_failures',
  'data_coverage_report',
];

function sqlOf(db: Database.Database, name: string): unknown {
  return db.prepare('SELECT type, sql FROM sqlite_master WHERE name = ?').get(name);
}

describe('objects that already exist', () => {
  it("leave a user's view of the same name untouched, and create the others", () => {
    const db = new Database(':memory:');
    const mine = "CREATE VIEW organization_summary AS SELECT 'mine' AS organization";
    db.exec(mine);
    migrate(db);
    migrate(db);
    expect(sqlOf(db, 'organization_summary')).toEqual({ type: 'view', sql: mine });
    expect(db.prepare('SELECT * FROM organization_summary').all()).toEqual([{ organization: 'mine' }]);
    for (const view of VIEWS.filter((name) => name !== 'organization_summary')) {
      expect(sqlOf(db, view)).toMatchObject({ type: 'view' });
      // Each one can be read (an empty inventory: no error, no row or one row per metric).
      expect(() => db.prepare(`SELECT * FROM ${view}`).all()).not.toThrow();
    }
  });

  it('leave a table of the same name as a view alone', () => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE stale_systems (note TEXT); INSERT INTO stale_systems VALUES ('kept')");
    migrate(db);
    expect(sqlOf(db, 'stale_systems')).toEqual({
      type: 'table',
      sql: 'CREATE TABLE stale_systems (note TEXT)',
    });
    expect(db.prepare('SELECT note FROM stale_systems').pluck().all()).toEqual(['kept']);
  });

  it('keep a label corrected in the file and add a missing code, at every open', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.exec("UPDATE scan_status_codes SET name = 'Scan failed' WHERE code = 226");
    db.exec('DELETE FROM scan_status_codes WHERE code = 229');
    migrate(db);
    expect(db.prepare('SELECT code, name FROM scan_status_codes ORDER BY code').raw().all()).toEqual([
      [226, 'Scan failed'],
      [227, 'In progress'],
      [228, 'Success'],
      [229, 'Not scanned'],
    ]);
  });

  it('add each code once to a same-named table without a primary key, however often it opens', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE os_platform_codes (code INTEGER, name TEXT, source TEXT)');
    migrate(db);
    migrate(db);
    migrate(db);
    expect(db.prepare('SELECT code FROM os_platform_codes ORDER BY code').pluck().all()).toEqual([1, 2, 3]);
  });

  it('give a same-named table with other columns no rows, and still open', () => {
    const db = new Database(':memory:');
    db.exec(
      "CREATE TABLE scan_status_codes (id INTEGER, label TEXT); INSERT INTO scan_status_codes VALUES (1, 'x')",
    );
    expect(() => {
      migrate(db);
    }).not.toThrow();
    expect(db.prepare('SELECT COUNT(*) FROM scan_status_codes').pluck().get()).toBe(1);
  });

  it('name one table per coded systems column', () => {
    const db = new Database(':memory:');
    migrate(db);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_codes' ESCAPE '\\'")
      .pluck()
      .all();
    expect(tables.sort()).toEqual(LOOKUP_TABLES.map((lookup) => `${lookup.column}_codes`).sort());
    expect(tables).toHaveLength(5);
  });
});
