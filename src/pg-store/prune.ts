/**
 * Retention in Postgres (D83, D122): one transaction deletes the systems rows of this tool's snapshots
 * older than the newest published one, except the newest `keep` published, keeping the pass in
 * progress. The record is the row's own raw_json (D98), so there are no raw parts to delete. No
 * VACUUM: autovacuum reclaims the dead rows for reuse, and returning space to the file system would
 * need VACUUM FULL's exclusive lock; both byte counts are therefore 0.
 */
import { CHECKPOINT_WRITER, type PruneResult } from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import type { SqlClient } from './sql-client.ts';
import { toInt } from './values.ts';

/** $1 writer, $2 keep. Each statement deletes the rows of every prunable snapshot at once. */
function pruneStatement(s: QuotedSchema): string {
  return `WITH ours AS (
    SELECT s.snapshot_id, s.status FROM ${s}.snapshots s
    JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
    WHERE c.written_by = $1
),
kept AS (
    SELECT snapshot_id FROM ours WHERE status = 'success' ORDER BY snapshot_id DESC LIMIT $2
),
prunable AS (
    SELECT o.snapshot_id FROM ours o
    WHERE o.snapshot_id < (SELECT MAX(snapshot_id) FROM ours WHERE status = 'success')
        AND o.snapshot_id NOT IN (SELECT snapshot_id FROM kept)
),
deleted AS (
    DELETE FROM ${s}.systems y USING prunable p WHERE y.snapshot_id = p.snapshot_id
    RETURNING y.snapshot_id
)
SELECT count(*) AS systems, count(DISTINCT snapshot_id) AS snapshots FROM deleted`;
}

/** Store.pruneSnapshots; `keep` below 1 counts as 1: the published snapshot always keeps its rows. */
export function pruneSnapshots(db: SqlClient, s: QuotedSchema, keep: number): Promise<PruneResult> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(pruneStatement(s), [CHECKPOINT_WRITER, Math.max(1, Math.trunc(keep))]);
    return {
      snapshots_pruned: toInt(rows[0]?.['snapshots'] ?? 0),
      systems_deleted: toInt(rows[0]?.['systems'] ?? 0),
      raw_parts_deleted: 0,
      reclaimed_bytes: 0,
      free_bytes: 0,
    };
  });
}
