/** What publishing a pass (D111, D112) and the retention right after it (D83) report. */

export type ChangeType = 'added' | 'removed' | 'changed' | 'reappeared';

/** Rows of system_changes for one snapshot, by change_type (D112). */
export type ChangeCounts = Readonly<Record<ChangeType, number>>;

/** What publishing a pass did (D111, D112). */
export interface PublishResult {
  /** The published snapshot it was compared with; null for the first one (then no rows are written). */
  previous_snapshot_id: number | null;
  changes: ChangeCounts;
}

/** What one retention pass deleted and gave back (D83, D84); the `snapshots_pruned` event's fields. */
export interface PruneResult {
  /** Snapshots whose systems rows (and raw parts) this call deleted. */
  snapshots_pruned: number;
  systems_deleted: number;
  raw_parts_deleted: number;
  /** Bytes returned to the file system by incremental vacuum; 0 in a file without auto_vacuum. */
  reclaimed_bytes: number;
  /** Bytes still free inside the file (what VACUUM would return). */
  free_bytes: number;
}
