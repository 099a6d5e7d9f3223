/**
 * Retention (D83): once a pass is published, the systems rows and raw parts of this tool's older
 * snapshots are deleted, except those of the newest `keep` published (`success`) snapshots and of any
 * snapshot newer than the newest published one (the pass in progress). Snapshot, checkpoint and gap
 * rows stay, so the run history stays readable; system_changes is never touched. Snapshots another
 * tool wrote (no checkpoint row of ours) are not ours to prune. Freed pages go back to the file
 * system at once when the file has auto_vacuum = INCREMENTAL (D84).
 */
import type Database from 'better-sqlite3';
import { guarded } from './db-error.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';
import type { PruneResult } from './publish-types.ts';

/** Our snapshots whose rows retention deletes and that still have some. Parameters: writer, keep. */
const PRUNABLE = `
WITH ours AS (
    SELECT s.snapshot_id, s.status FROM snapshots s
    JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
    WHERE c.written_by = @writer
),
kept AS (
    SELECT snapshot_id FROM ours WHERE status = 'success' ORDER BY snapshot_id DESC LIMIT @keep
)
SELECT o.snapshot_id FROM ours o
WHERE o.snapshot_id < (SELECT MAX(snapshot_id) FROM ours WHERE status = 'success')
    AND o.snapshot_id NOT IN (SELECT snapshot_id FROM kept)
    AND (EXISTS (SELECT 1 FROM systems WHERE snapshot_id = o.snapshot_id)
        OR EXISTS (SELECT 1 FROM pending_systems WHERE snapshot_id = o.snapshot_id)
        OR EXISTS (SELECT 1 FROM system_raw_parts WHERE snapshot_id = o.snapshot_id))
ORDER BY o.snapshot_id`;

/** PRAGMA auto_vacuum: 2 = INCREMENTAL. */
const AUTO_VACUUM_INCREMENTAL = 2;

/** Store.pruneSnapshots: one IMMEDIATE transaction (deletes and vacuum), or a database_error. */
export function pruneInTransaction(db: Database.Database, keep: number): PruneResult {
  const prune = db.transaction(() => pruneSnapshots(db, keep));
  return guarded('Cannot delete the rows of old snapshots', () => prune.immediate());
}

/** `keep` below 1 counts as 1: the published snapshot always keeps its rows. */
function pruneSnapshots(db: Database.Database, keep: number): PruneResult {
  const ids = db
    .prepare(PRUNABLE)
    .pluck()
    .all({ writer: CHECKPOINT_WRITER, keep: Math.max(1, Math.trunc(keep)) }) as number[];
  const deleteSystems = db.prepare('DELETE FROM systems WHERE snapshot_id = ?');
  // A pass left unfinished (a --reset started another) keeps its rows in pending_systems (D134).
  const deletePending = db.prepare('DELETE FROM pending_systems WHERE snapshot_id = ?');
  const deleteParts = db.prepare('DELETE FROM system_raw_parts WHERE snapshot_id = ?');
  // And the dictionary of its pending rows (D139).
  const deleteStrings = db.prepare('DELETE FROM pending_strings WHERE snapshot_id = ?');
  let systems = 0;
  let parts = 0;
  for (const id of ids) {
    systems += deleteSystems.run(id).changes + deletePending.run(id).changes;
    parts += deleteParts.run(id).changes;
    deleteStrings.run(id);
  }
  const pageBytes = db.pragma('page_size', { simple: true }) as number;
  // Given back = the pages the file loses, free pages and the pointer-map pages that tracked them
  // (one per page_size / 5 pages: at 2 KiB pages, D140, one per 409).
  const pagesBefore = db.pragma('page_count', { simple: true }) as number;
  if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) db.pragma('incremental_vacuum');
  const pagesAfter = db.pragma('page_count', { simple: true }) as number;
  const freeAfter = db.pragma('freelist_count', { simple: true }) as number;
  return {
    snapshots_pruned: ids.length,
    systems_deleted: systems,
    raw_parts_deleted: parts,
    reclaimed_bytes: (pagesBefore - pagesAfter) * pageBytes,
    free_bytes: freeAfter * pageBytes,
  };
}
