/**
 * Migration 12 (D111, D112): the pass's end on `snapshots`, and the change log between published
 * snapshots. Every statement is idempotent, like the other migrations: it runs at every open.
 */
import type Database from 'better-sqlite3';
import { addMissingColumns } from './schema-tools.ts';

export const PUBLISH_VERSION = 12;

/**
 * One row per system that a published pass added, removed, changed or brought back, against the
 * published pass before it (D112). No foreign key: the log outlives the systems rows retention
 * prunes, and a snapshot row deleted by hand must not take the history with it.
 */
const CREATE_SYSTEM_CHANGES = `
CREATE TABLE IF NOT EXISTS system_changes (
    change_id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_id INTEGER NOT NULL,
    previous_snapshot_id INTEGER,
    resource_id TEXT NOT NULL,
    change_type TEXT NOT NULL CHECK (change_type IN ('added', 'removed', 'changed', 'reappeared')),
    changed_fields TEXT,
    resource_name TEXT,
    branch_office_name TEXT,
    detected_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_system_changes_snapshot ON system_changes(snapshot_id, change_type);
CREATE INDEX IF NOT EXISTS idx_system_changes_resource ON system_changes(resource_id, change_type);
`;

/** The changes of the snapshot latest_system_inventory shows (the same MAX(snapshot_id) rule). */
const CREATE_LATEST_CHANGES_VIEW = `
CREATE VIEW IF NOT EXISTS latest_system_changes AS
SELECT c.*
FROM system_changes c
INNER JOIN (
    SELECT MAX(snapshot_id) AS latest_snapshot_id FROM snapshots WHERE status = 'success'
) latest ON c.snapshot_id = latest.latest_snapshot_id;`;

/**
 * A `success` row without completed_at (published before this column existed, or written by another
 * tool) gets what readers computed before: its start plus its duration, else its checkpoint's last
 * write, else its start; in the store's time format (sql-time.ts). A row with none of them readable
 * stays NULL.
 */
const BACKFILL_COMPLETED_AT = `
UPDATE snapshots
SET completed_at = COALESCE(
    CASE WHEN extraction_duration_ms IS NOT NULL THEN strftime('%Y-%m-%d %H:%M:%f', timestamp,
        printf('%+.3f seconds', extraction_duration_ms / 1000.0)) END,
    (SELECT strftime('%Y-%m-%d %H:%M:%f', c.updated_at) FROM extraction_checkpoints c
        WHERE c.snapshot_id = snapshots.snapshot_id),
    strftime('%Y-%m-%d %H:%M:%f', timestamp))
WHERE status = 'success' AND completed_at IS NULL`;

export function migratePublishing(db: Database.Database): void {
  addMissingColumns(db, 'snapshots', [['completed_at', 'DATETIME']]);
  db.exec(BACKFILL_COMPLETED_AT);
  db.exec(CREATE_SYSTEM_CHANGES);
  db.exec(CREATE_LATEST_CHANGES_VIEW);
}
