/**
 * Publishing a pass in Postgres (D111, D112, D121), in one transaction: `success`, completed_at and
 * the duration, then the differences from the previous published pass written to system_changes by
 * three set-based INSERT ... SELECT over the (snapshot_id, resource_id) key. Readers of
 * latest_system_inventory and latest_system_changes see the old pass or the new one, never a mix.
 */
import {
  CHECKPOINT_WRITER,
  SYSTEM_CHANGE_COLUMNS,
  unknownSnapshot,
  type ChangeCounts,
  type ChangeType,
  type PublishResult,
} from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import type { SqlClient, SqlQueryable } from './sql-client.ts';
import { toInt, toIntOrNull, toText, tsParam } from './values.ts';

const CHANGE_TYPES: readonly ChangeType[] = ['added', 'removed', 'changed', 'reappeared'];

/** Parameters of the three diff statements: $1 snapshot, $2 previous, $3 publish time (epoch ms). */
function insertChange(s: QuotedSchema): string {
  return `INSERT INTO ${s}.system_changes (snapshot_id, previous_snapshot_id, resource_id,
  change_type, changed_fields, resource_name, branch_office_name, detected_at)`;
}

/** The JSON array of the stable columns whose values differ between `n` (new) and `p` (previous). */
const CHANGED_FIELDS = `'[' || rtrim(${SYSTEM_CHANGE_COLUMNS.map(
  (column) => `CASE WHEN n.${column} IS DISTINCT FROM p.${column} THEN '"${column}",' ELSE '' END`,
).join(' || ')}, ',') || ']'`;

function diffStatements(s: QuotedSchema): string[] {
  const now = tsParam(3);
  return [
    // Added, or reappeared when an earlier publish recorded it as removed.
    `${insertChange(s)}
SELECT $1::bigint, $2::bigint, n.resource_id,
  CASE WHEN EXISTS (SELECT 1 FROM ${s}.system_changes r
    WHERE r.resource_id = n.resource_id AND r.change_type = 'removed') THEN 'reappeared' ELSE 'added' END,
  NULL, n.resource_name, n.branch_office_name, ${now}
FROM ${s}.systems n
WHERE n.snapshot_id = $1 AND NOT EXISTS (
  SELECT 1 FROM ${s}.systems p WHERE p.snapshot_id = $2 AND p.resource_id = n.resource_id)
ORDER BY n.system_id`,
    // Removed: named as the previous pass last saw it.
    `${insertChange(s)}
SELECT $1::bigint, $2::bigint, p.resource_id, 'removed', NULL, p.resource_name, p.branch_office_name, ${now}
FROM ${s}.systems p
WHERE p.snapshot_id = $2 AND NOT EXISTS (
  SELECT 1 FROM ${s}.systems n WHERE n.snapshot_id = $1 AND n.resource_id = p.resource_id)
ORDER BY p.system_id`,
    `${insertChange(s)}
SELECT $1::bigint, $2::bigint, resource_id, 'changed', fields, resource_name, branch_office_name, ${now}
FROM (
  SELECT n.system_id, n.resource_id, n.resource_name, n.branch_office_name, ${CHANGED_FIELDS} AS fields
  FROM ${s}.systems n JOIN ${s}.systems p ON p.snapshot_id = $2 AND p.resource_id = n.resource_id
  WHERE n.snapshot_id = $1
) d
WHERE fields <> '[]'
ORDER BY system_id`,
  ];
}

/** Store.publishSnapshot: one transaction, or the driver's error (the caller names the operation). */
export function publishSnapshot(
  db: SqlClient,
  s: QuotedSchema,
  snapshotId: number,
  nowMs: number,
  durationMs: number,
): Promise<PublishResult> {
  return db.transaction(async (tx) => {
    // The published pass of ours before this one (D112): another tool's `success` rows are not ours.
    const previousRows = await tx.query(
      `SELECT MAX(s.snapshot_id) AS id FROM ${s}.snapshots s
       JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE s.status = 'success' AND c.written_by = $1 AND s.snapshot_id < $2`,
      [CHECKPOINT_WRITER, snapshotId],
    );
    const previous = toIntOrNull(previousRows.rows[0]?.['id']);
    // The downstream CHECK wants a non-negative integer.
    const duration = Math.max(0, Math.round(durationMs));
    const updated = await tx.query(
      `UPDATE ${s}.snapshots SET status = 'success', error_message = NULL, extraction_duration_ms = $1,
       completed_at = ${tsParam(2)} WHERE snapshot_id = $3 RETURNING snapshot_id`,
      [duration, nowMs, snapshotId],
    );
    if (updated.rows.length === 0) throw unknownSnapshot(snapshotId);
    // A publish repeated for the same snapshot replaces its rows instead of doubling them.
    await tx.query(`DELETE FROM ${s}.system_changes WHERE snapshot_id = $1`, [snapshotId]);
    if (previous !== null) {
      for (const statement of diffStatements(s)) await tx.query(statement, [snapshotId, previous, nowMs]);
    }
    return { previous_snapshot_id: previous, changes: await countChanges(tx, s, snapshotId) };
  });
}

/** Rows of system_changes for `snapshotId`, by type (0 for a type with none). */
export async function countChanges(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
): Promise<ChangeCounts> {
  const { rows } = await db.query(
    `SELECT change_type, count(*) AS n FROM ${s}.system_changes WHERE snapshot_id = $1 GROUP BY change_type`,
    [snapshotId],
  );
  const result: Record<ChangeType, number> = { added: 0, removed: 0, changed: 0, reappeared: 0 };
  for (const row of rows) {
    const type = toText(row['change_type']);
    if ((CHANGE_TYPES as readonly string[]).includes(type)) result[type as ChangeType] = toInt(row['n']);
  }
  return result;
}
