/** The store's small writes, each one statement or one transaction (commit is in commit.ts). */
import { emptyCheckpoint, unknownSnapshot, type LastRun, type SnapshotStatus } from '../store/index.ts';
import { writeCheckpoint } from './commit.ts';
import type { QuotedSchema } from './names.ts';
import type { SqlClient } from './sql-client.ts';
import { toInt, tsParam } from './values.ts';

/** A `partial` snapshot and its zeroed checkpoint, in one transaction; returns the new id. */
export async function insertSnapshot(db: SqlClient, s: QuotedSchema, nowMs: number): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `INSERT INTO ${s}.snapshots (timestamp, api_version, status)
       VALUES (${tsParam(1)}, '1.4', 'partial') RETURNING snapshot_id`,
      [nowMs],
    );
    const id = toInt(rows[0]?.['snapshot_id']);
    await writeCheckpoint(tx, s, id, nowMs, emptyCheckpoint(0, 0));
    return id;
  });
}

export async function updateSnapshotStatus(
  db: SqlClient,
  s: QuotedSchema,
  snapshotId: number,
  status: SnapshotStatus,
  errorMessage: string | null,
  durationMs: number | null,
): Promise<void> {
  // The downstream CHECK wants a non-negative integer; null keeps the stored duration.
  const duration = durationMs === null ? null : Math.max(0, Math.round(durationMs));
  const { rows } = await db.query(
    `UPDATE ${s}.snapshots SET status = $1, error_message = $2,
       extraction_duration_ms = COALESCE($3, extraction_duration_ms)
     WHERE snapshot_id = $4 RETURNING snapshot_id`,
    [status, errorMessage, duration, snapshotId],
  );
  if (rows.length === 0) throw unknownSnapshot(snapshotId);
}

/** Overwrites the checkpoint with a safe one that keeps the true count (COUNT, never the old row). */
export async function overwriteCheckpoint(
  db: SqlClient,
  s: QuotedSchema,
  snapshotId: number,
  lastPage: number,
  nowMs: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query(`SELECT count(*) AS n FROM ${s}.systems WHERE snapshot_id = $1`, [
      snapshotId,
    ]);
    await writeCheckpoint(tx, s, snapshotId, nowMs, emptyCheckpoint(lastPage, toInt(rows[0]?.['n'])));
  });
}

export async function updatePreviousCoverage(
  db: SqlClient,
  s: QuotedSchema,
  snapshotId: number,
  coveragePct: number,
): Promise<void> {
  await db.query(`UPDATE ${s}.extraction_checkpoints SET previous_coverage_pct = $1 WHERE snapshot_id = $2`, [
    coveragePct,
    snapshotId,
  ]);
}

/** The one last-run row (id 1), overwritten (D47). */
export async function writeLastRun(db: SqlClient, s: QuotedSchema, run: LastRun): Promise<void> {
  await db.query(
    `INSERT INTO ${s}.extraction_last_run (id, exit_code, outcome, reason, snapshot_id, finished_at)
     VALUES (1, $1, $2, $3, $4, ${tsParam(5)})
     ON CONFLICT (id) DO UPDATE SET exit_code = EXCLUDED.exit_code, outcome = EXCLUDED.outcome,
       reason = EXCLUDED.reason, snapshot_id = EXCLUDED.snapshot_id, finished_at = EXCLUDED.finished_at`,
    [run.exit_code, run.outcome, run.reason, run.snapshot_id, run.finished_at_ms],
  );
}
