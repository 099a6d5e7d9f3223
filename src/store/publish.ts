/**
 * Publishing a pass (D111, D112), run inside the caller's IMMEDIATE transaction: the snapshot becomes
 * `success` with its completed_at, its rows move from pending_systems into `systems` (D134), and its differences from the published snapshot before it are
 * written to system_changes, all in one commit. Readers (latest_system_inventory, latest_system_changes)
 * therefore switch from the old inventory to the new one and its changes at once, never in between.
 * The diff is four set-based statements over the (snapshot_id, resource_id) key: no row is read into
 * JavaScript, whatever the fleet size.
 */
import type Database from 'better-sqlite3';
import { hasSchemaObject } from './schema-tools.ts';
import { unknownSnapshot } from './commit-batch.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';
import { toSqlTime } from './sql-time.ts';
import type { ChangeCounts, ChangeType, PublishResult } from './publish-types.ts';
import { SYSTEM_CHANGE_COLUMNS } from './system-columns.ts';

const CHANGE_TYPES: readonly ChangeType[] = ['added', 'removed', 'changed', 'reappeared'];

const INSERT_CHANGE = `INSERT INTO system_changes (snapshot_id, previous_snapshot_id, resource_id,
  change_type, changed_fields, resource_name, branch_office_name, detected_at)`;

/** The JSON array of the stable columns whose values differ between `n` (new) and `p` (previous). */
const CHANGED_FIELDS = `'[' || rtrim(${SYSTEM_CHANGE_COLUMNS.map(
  (column) => `CASE WHEN n.${column} IS NOT p.${column} THEN '"${column}",' ELSE '' END`,
).join(' || ')}, ',') || ']'`;

/**
 * In a new snapshot, not in the previous one: `reappeared` when an earlier publish recorded it as
 * removed, else `added`.
 */
const ADDED = `${INSERT_CHANGE}
SELECT @snapshot, @previous, n.resource_id,
  CASE WHEN EXISTS (SELECT 1 FROM system_changes r
    WHERE r.resource_id = n.resource_id AND r.change_type = 'removed') THEN 'reappeared' ELSE 'added' END,
  NULL, n.resource_name, n.branch_office_name, @now
FROM systems n
WHERE n.snapshot_id = @snapshot AND NOT EXISTS (
  SELECT 1 FROM systems p WHERE p.snapshot_id = @previous AND p.resource_id = n.resource_id)
ORDER BY n.system_id`;

/** In the previous snapshot, not in the new one; named as the previous pass last saw it. */
const REMOVED = `${INSERT_CHANGE}
SELECT @snapshot, @previous, p.resource_id, 'removed', NULL, p.resource_name, p.branch_office_name, @now
FROM systems p
WHERE p.snapshot_id = @previous AND NOT EXISTS (
  SELECT 1 FROM systems n WHERE n.snapshot_id = @snapshot AND n.resource_id = p.resource_id)
ORDER BY p.system_id`;

const CHANGED = `${INSERT_CHANGE}
SELECT @snapshot, @previous, resource_id, 'changed', fields, resource_name, branch_office_name, @now
FROM (
  SELECT n.system_id, n.resource_id, n.resource_name, n.branch_office_name, ${CHANGED_FIELDS} AS fields
  FROM systems n JOIN systems p ON p.snapshot_id = @previous AND p.resource_id = n.resource_id
  WHERE n.snapshot_id = @snapshot
)
WHERE fields <> '[]'
ORDER BY system_id`;

interface PublishStatements {
  previousPublished: Database.Statement;
  publish: Database.Statement;
  clearChanges: Database.Statement;
  added: Database.Statement;
  removed: Database.Statement;
  changed: Database.Statement;
  counts: Database.Statement;
}

function preparePublish(db: Database.Database): PublishStatements {
  return {
    // The published pass of ours before this one (D112): another tool's `success` rows are not ours
    // to compare against (their systems may hold other columns).
    previousPublished: db
      .prepare(
        `SELECT MAX(s.snapshot_id) FROM snapshots s
         JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
         WHERE s.status = 'success' AND c.written_by = ? AND s.snapshot_id < ?`,
      )
      .pluck(),
    publish: db.prepare(
      `UPDATE snapshots SET status = 'success', error_message = NULL, extraction_duration_ms = ?,
       completed_at = ? WHERE snapshot_id = ?`,
    ),
    clearChanges: db.prepare('DELETE FROM system_changes WHERE snapshot_id = ?'),
    added: db.prepare(ADDED),
    removed: db.prepare(REMOVED),
    changed: db.prepare(CHANGED),
    counts: db.prepare(
      'SELECT change_type, COUNT(*) AS n FROM system_changes WHERE snapshot_id = ? GROUP BY change_type',
    ),
  };
}

/** Store.publishSnapshot and Store.changeCounts over one connection. */
export interface Publisher {
  /** One IMMEDIATE transaction. */
  publish(snapshotId: number, nowMs: number, durationMs: number): PublishResult;
  /** Null when the file has no system_changes table. */
  counts(snapshotId: number): ChangeCounts | null;
}

/**
 * PRAGMA synchronous of a connection that writes (D138): NORMAL while a pass commits its pages (in WAL
 * mode the WAL is synced at each checkpoint, not at each commit), FULL for the transaction that
 * publishes a pass (its commit syncs the WAL, and with it every earlier commit).
 */
export const PASS_SYNCHRONOUS = 'NORMAL';
const PUBLISH_SYNCHRONOUS = 'FULL';

/**
 * A read-only connection to a file from before migration 12 has no system_changes table: it counts
 * nothing, and could not publish anyway.
 */
export function createPublisher(
  db: Database.Database,
  /** Moves the pass's rows from pending_systems into systems (D134), inside the transaction. */
  movePendingRows: (snapshotId: number) => void,
): Publisher {
  if (!hasSchemaObject(db, 'table', 'system_changes')) {
    return {
      publish: () => {
        throw new Error('cannot publish on a connection without system_changes');
      },
      counts: () => null,
    };
  }
  const sql = preparePublish(db);
  const publishTx = db.transaction((snapshotId: number, nowMs: number, durationMs: number) =>
    publishSnapshot(sql, movePendingRows, snapshotId, nowMs, durationMs),
  );
  return {
    publish: (snapshotId, nowMs, durationMs) => {
      // D138: the commit that publishes is on disk before the run reports it (exit 0, Slack, metrics).
      db.pragma(`synchronous = ${PUBLISH_SYNCHRONOUS}`);
      try {
        return publishTx.immediate(snapshotId, nowMs, durationMs);
      } finally {
        db.pragma(`synchronous = ${PASS_SYNCHRONOUS}`);
      }
    },
    counts: (snapshotId) => countChanges(sql.counts, snapshotId),
  };
}

function publishSnapshot(
  sql: PublishStatements,
  movePendingRows: (snapshotId: number) => void,
  snapshotId: number,
  nowMs: number,
  durationMs: number,
): PublishResult {
  const previous = sql.previousPublished.get(CHECKPOINT_WRITER, snapshotId) as number | null;
  // The downstream CHECK wants a non-negative integer.
  const duration = Math.max(0, Math.round(durationMs));
  const { changes } = sql.publish.run(duration, toSqlTime(nowMs), snapshotId);
  if (changes === 0) throw unknownSnapshot(snapshotId);
  // D134: the pass's rows join the published inventory here, in the same transaction.
  movePendingRows(snapshotId);
  // A publish repeated for the same snapshot replaces its rows instead of doubling them.
  sql.clearChanges.run(snapshotId);
  if (previous !== null) {
    const params = { snapshot: snapshotId, previous, now: toSqlTime(nowMs) };
    sql.added.run(params);
    sql.removed.run(params);
    sql.changed.run(params);
  }
  return { previous_snapshot_id: previous, changes: countChanges(sql.counts, snapshotId) };
}

/** Rows of system_changes for `snapshotId`, by type (0 for a type with none). */
function countChanges(counts: Database.Statement, snapshotId: number): ChangeCounts {
  const result: Record<ChangeType, number> = { added: 0, removed: 0, changed: 0, reappeared: 0 };
  for (const row of counts.all(snapshotId) as { change_type: string; n: number }[]) {
    if ((CHANGE_TYPES as readonly string[]).includes(row.change_type))
      result[row.change_type as ChangeType] = row.n;
  }
  return result;
}
