/**
 * Opening a database the existing PMP tooling already populated (D7): its tables, rows and
 * views must survive, and our columns are added beside them.
 */
import Database from 'better-sqlite3';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadableStore } from '../../test/support/store-reads.ts';
import { openStore } from './open-store.ts';
import { registerRawFunctions } from './raw-parts.ts';
import { CREATE_SNAPSHOTS } from './schema-downstream.ts';
import type { CommitBatch } from './store.ts';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_TEXT_COLUMNS } from './system-columns.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

// The enhanced schema as the legacy tooling created it: no raw_json / source_page.
const LEGACY_SYSTEMS = `
CREATE TABLE systems (
  system_id INTEGER PRIMARY KEY AUTOINCREMENT,
  snapshot_id INTEGER NOT NULL,
  resource_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  branch_office_name TEXT NOT NULL,
  ${SYSTEM_TEXT_COLUMNS.map((name) => `${name} TEXT,`).join('\n  ')}
  ${SYSTEM_INTEGER_COLUMNS.map((name) => `${name} INTEGER,`).join('\n  ')}
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (snapshot_id) REFERENCES snapshots(snapshot_id) ON DELETE CASCADE,
  CONSTRAINT chk_health_status CHECK (resource_health_status IN (0, 1, 2, 3)),
  CONSTRAINT unique_system_per_snapshot UNIQUE (snapshot_id, resource_id)
);
CREATE INDEX idx_systems_snapshot_id ON systems(snapshot_id);
CREATE VIEW latest_system_inventory AS SELECT s.* FROM systems s INNER JOIN (
  SELECT MAX(snapshot_id) AS latest_snapshot_id FROM snapshots WHERE status = 'success'
) latest ON s.snapshot_id = latest.latest_snapshot_id;
CREATE VIEW organization_summary AS SELECT branch_office_name AS organization,
  COUNT(*) AS total_systems FROM latest_system_inventory GROUP BY branch_office_name;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY,
  applied_at DATETIME DEFAULT CURRENT_TIMESTAMP, description TEXT);
INSERT OR IGNORE INTO schema_version (version, description)
  VALUES (1, 'Initial schema - PMP configuration extractor v1.0');
-- The predecessor's checkpoint table (D7), with a row of its own.
CREATE TABLE extraction_checkpoints (
  checkpoint_id INTEGER PRIMARY KEY AUTOINCREMENT, snapshot_id INTEGER NOT NULL,
  last_page INTEGER NOT NULL, systems_extracted INTEGER NOT NULL, coverage_pct REAL NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  UNIQUE(snapshot_id));
INSERT INTO snapshots (status, extraction_duration_ms) VALUES ('success', 1000), ('success', 900);
INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name,
  resource_health_status) VALUES
  (1, '301', 'old-pc', 'Org A', 1), (2, '301', 'pc-1', 'Org A', 3), (2, '302', 'pc-2', 'Org B', 1);
INSERT INTO extraction_checkpoints (snapshot_id, last_page, systems_extracted, coverage_pct)
  VALUES (2, 135, 3333, 99.1);
`;

let dir: string;
let path: string;
beforeEach(() => {
  dir = tempDir('pmp-legacy-');
  path = join(dir, 'pmp_config.db');
});
afterEach(() => {
  removeTempDir(dir);
});

function legacyDb(sql: string): void {
  const db = new Database(path);
  db.exec(sql);
  db.close();
  chmodSync(path, 0o644);
}

function batch(snapshotId: number): CommitBatch {
  return {
    snapshot_id: snapshotId,
    pages: [
      {
        page: 1,
        systems: [
          {
            resource_id: '301',
            columns: { resource_name: 'pc-1', branch_office_name: 'Org A' },
            raw_json: '{}',
          },
        ],
      },
    ],
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 1,
      total_systems: 1,
      total_pages: 1,
      page_limit: 25,
      pass_complete: true,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
    },
    nowMs: Date.UTC(2026, 10, 26),
  };
}

describe('a database the legacy tooling created', () => {
  it('gains our columns and tables while its rows, views and version row stay intact', async () => {
    legacyDb(CREATE_SNAPSHOTS + LEGACY_SYSTEMS);
    const store = openReadableStore({ path });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The predecessor's checkpoint row is not ours to resume.
    expect(await store.currentSnapshot()).toBeNull();
    expect(store.allIds(2)).toEqual(['301', '302']);

    const id = await store.createSnapshot(Date.UTC(2026, 10, 26));
    expect(id).toBe(3);
    await store.commit(batch(id));
    await store.setSnapshotStatus(id, 'success', null, 5000);
    await store.close();

    const db = new Database(path, { readonly: true });
    const columns = (db.prepare('PRAGMA table_info(systems)').all() as { name: string }[]).map(
      (column) => column.name,
    );
    expect(columns).toEqual(expect.arrayContaining(['raw_json', 'source_page']));
    expect(
      db
        .prepare('PRAGMA table_info(extraction_checkpoints)')
        .all()
        .map((c) => (c as { name: string }).name),
    ).toEqual(expect.arrayContaining(['total_systems', 'pass_complete', 'written_by']));
    expect(db.prepare('SELECT * FROM extraction_checkpoints WHERE snapshot_id = 2').get()).toMatchObject({
      last_page: 135,
      systems_extracted: 3333,
      written_by: null,
    });
    expect(
      db
        .prepare(
          `SELECT snapshot_id, resource_id, resource_name, resource_health_status
                  FROM systems WHERE snapshot_id < 3 ORDER BY system_id`,
        )
        .all(),
    ).toEqual([
      { snapshot_id: 1, resource_id: '301', resource_name: 'old-pc', resource_health_status: 1 },
      { snapshot_id: 2, resource_id: '301', resource_name: 'pc-1', resource_health_status: 3 },
      { snapshot_id: 2, resource_id: '302', resource_name: 'pc-2', resource_health_status: 1 },
    ]);
    // The legacy view now points at our success snapshot and shows the new columns.
    expect(
      db.prepare('SELECT resource_id, raw_json, source_page FROM latest_system_inventory').all(),
    ).toEqual([{ resource_id: '301', raw_json: null, source_page: 1 }]);
    // D70: the record itself is in the raw parts, read back through the view.
    registerRawFunctions(db);
    expect(db.prepare('SELECT raw_json FROM system_raw_json WHERE snapshot_id = 3').pluck().all()).toEqual([
      '{}',
    ]);
    expect(db.prepare('SELECT * FROM organization_summary').all()).toEqual([
      { organization: 'Org A', total_systems: 1 },
    ]);
    const versions = db.prepare('SELECT version, description FROM schema_version ORDER BY version').all() as {
      version: number;
      description: string;
    }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(versions[0]?.description).toBe('Initial schema - PMP configuration extractor v1.0');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('completes a systems table from the 2026 unified schema and adds the missing unique key', async () => {
    legacyDb(`${CREATE_SNAPSHOTS}
      CREATE TABLE systems (system_id INTEGER PRIMARY KEY AUTOINCREMENT,
        snapshot_id INTEGER NOT NULL, resource_id TEXT NOT NULL, computer_name TEXT,
        raw_data TEXT, extracted_at DATETIME DEFAULT CURRENT_TIMESTAMP);
      INSERT INTO snapshots (status) VALUES ('success');
      INSERT INTO systems (snapshot_id, resource_id, computer_name) VALUES (1, '9', 'legacy');`);
    const store = openReadableStore({ path });
    const id = await store.createSnapshot(0);
    await store.commit(batch(id));
    await store.commit(batch(id));
    expect(store.allIds(id)).toEqual(['301']);
    expect(store.allIds(1)).toEqual(['9']);
    await store.close();
    const db = new Database(path, { readonly: true });
    const names = (db.prepare('PRAGMA table_info(systems)').all() as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['branch_office_name', 'os_name', 'updated_at', 'raw_json']),
    );
    expect(names).toContain('computer_name');
    db.close();
  });

  it('refuses, with a database_error, a legacy systems table whose rows break the unique key', () => {
    legacyDb(`${CREATE_SNAPSHOTS}
      CREATE TABLE systems (system_id INTEGER PRIMARY KEY AUTOINCREMENT,
        snapshot_id INTEGER NOT NULL, resource_id TEXT NOT NULL);
      INSERT INTO snapshots (status) VALUES ('success');
      INSERT INTO systems (snapshot_id, resource_id) VALUES (1, '9'), (1, '9');`);
    expect(() => openStore({ path })).toThrow(/Cannot open the database .*UNIQUE/s);
    // Nothing was half-migrated: the failed migration rolled back as a whole.
    const db = new Database(path, { readonly: true });
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).not.toContain('extraction_gaps');
    db.close();
  });

  it('refuses, before changing anything, a systems table with required columns it never writes', () => {
    legacyDb(`${CREATE_SNAPSHOTS}
      CREATE TABLE systems (system_id INTEGER PRIMARY KEY AUTOINCREMENT,
        snapshot_id INTEGER NOT NULL, resource_id TEXT NOT NULL, computer_name TEXT NOT NULL);`);
    expect(() => openStore({ path })).toThrow(/another tool .*computer_name.*separate database file/s);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).not.toBe('wal');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    expect(tables).not.toContain('extraction_checkpoints');
    db.close();
  });

  it('names the conflict when existing rows break the unique key', () => {
    legacyDb(`${CREATE_SNAPSHOTS}
      CREATE TABLE systems (system_id INTEGER PRIMARY KEY AUTOINCREMENT,
        snapshot_id INTEGER NOT NULL, resource_id TEXT NOT NULL);
      INSERT INTO snapshots (status) VALUES ('success');
      INSERT INTO systems (snapshot_id, resource_id) VALUES (1, '9'), (1, '9');`);
    expect(() => openStore({ path })).toThrow(/conflict with this extractor/);
  });
});
