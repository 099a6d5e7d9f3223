/**
 * Migration 12 (D111, D112) on files that already hold snapshots: completed_at is backfilled once for
 * published rows, the migration is idempotent, a read-only connection to an older file still reads
 * the published snapshot, and views that already exist are left exactly as they are.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { fileBeforeMigration, tempDbPaths } from '../../test/support/legacy-file.ts';
import { openStore, openStoreReadOnly } from './open-store.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';

const newPath = tempDbPaths('pmp-migrate12-');
let path = '';
beforeEach(() => {
  path = newPath();
});

/** A file as the previous release left it: migrations up to 7, four snapshots of ours. */
function previousReleaseFile(): void {
  fileBeforeMigration(
    path,
    12,
    `
    INSERT INTO snapshots (timestamp, status, extraction_duration_ms) VALUES
      ('2026-11-26 10:00:00.000', 'success', 90000),
      ('2026-11-26 11:00:00', 'success', NULL),
      ('not a time', 'success', 5),
      ('2026-11-26 12:00:00.000', 'partial', NULL);
    INSERT INTO extraction_checkpoints (snapshot_id, last_page, systems_extracted, coverage_pct, written_by,
        updated_at)
      VALUES (1, 1, 10, 100, '${CHECKPOINT_WRITER}', '2026-11-26 10:01:29.000'),
        (2, 1, 10, 100, '${CHECKPOINT_WRITER}', '2026-11-26 11:05:00.000'),
        (4, 0, 0, 0, '${CHECKPOINT_WRITER}', '2026-11-26 12:00:00.000');`,
  );
}

function completedAt(): (string | null)[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT completed_at FROM snapshots ORDER BY snapshot_id').pluck().all() as (
      string | null
    )[];
  } finally {
    db.close();
  }
}

describe('migration 12', () => {
  it('backfills completed_at of published rows from timestamp + duration, once', async () => {
    previousReleaseFile();
    const store = openStore({ path });
    expect(await store.publishedSnapshot()).toMatchObject({
      snapshot_id: 2,
      completed_at_ms: Date.UTC(2026, 10, 26, 11, 5, 0),
    });
    await store.close();
    // No duration: the checkpoint's last write. Nothing readable: NULL. A pass in progress: not completed.
    const expected = ['2026-11-26 10:01:30.000', '2026-11-26 11:05:00.000', null, null];
    expect(completedAt()).toEqual(expected);
    await openStore({ path }).close();
    expect(completedAt()).toEqual(expected);
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_version WHERE version = 12').pluck().all();
    db.close();
    expect(versions).toEqual([12]);
  });

  it('a read-only connection to a file from before it still finds the published snapshot', async () => {
    previousReleaseFile();
    const store = openStoreReadOnly(path);
    expect(store).not.toBeNull();
    // Computed as before migration 12 (the same value the backfill writes); no change log to count.
    expect(await store?.publishedSnapshot()).toMatchObject({
      snapshot_id: 2,
      completed_at_ms: Date.UTC(2026, 10, 26, 11, 5, 0),
    });
    expect(await store?.changeCounts(2)).toBeNull();
    await store?.close();
    expect(completedAt).toThrow(/no such column/);
  });

  it('leaves a latest_system_inventory that already exists, and the views built on it, alone', async () => {
    const db = new Database(path);
    db.exec(`
      CREATE TABLE snapshots (snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP, api_version TEXT DEFAULT '1.4',
        extraction_duration_ms INTEGER, status TEXT DEFAULT 'success', error_message TEXT);
      CREATE TABLE systems (system_id INTEGER PRIMARY KEY AUTOINCREMENT, snapshot_id INTEGER NOT NULL,
        resource_id TEXT NOT NULL, resource_name TEXT NOT NULL, branch_office_name TEXT NOT NULL);
      CREATE VIEW latest_system_inventory AS SELECT s.* FROM systems s
        WHERE s.snapshot_id = (SELECT MAX(snapshot_id) FROM snapshots WHERE status = 'success');
      CREATE VIEW my_dashboard AS SELECT COUNT(*) AS n FROM latest_system_inventory;`);
    const before = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'view'").all();
    db.close();
    await openStore({ path }).close();
    const after = new Database(path, { readonly: true });
    const views = after.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'view'").all();
    expect(views).toEqual(expect.arrayContaining(before));
    expect(after.prepare('SELECT n FROM my_dashboard').pluck().get()).toBe(0);
    after.close();
  });
});
