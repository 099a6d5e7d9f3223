/** The store's lookups by page and id, each one indexed statement. */
import type { QuotedSchema } from './names.ts';
import type { SqlQueryable } from './sql-client.ts';
import { toInt, toText, toTextOrNull } from './values.ts';

export async function selectIdsOnPage(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  page: number,
): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT resource_id FROM ${s}.systems WHERE snapshot_id = $1 AND source_page = $2 ORDER BY system_id`,
    [snapshotId, page],
  );
  return rows.map((row) => toText(row['resource_id']));
}

export async function selectLastStoredPage(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  maxPage: number,
): Promise<number | null> {
  const { rows } = await db.query(
    `SELECT MAX(source_page) AS page FROM ${s}.systems WHERE snapshot_id = $1 AND source_page <= $2`,
    [snapshotId, maxPage],
  );
  const page = rows[0]?.['page'];
  return page === null || page === undefined ? null : toInt(page);
}

/** Through the (snapshot_id, resource_id) key, so O(ids), not O(snapshot): called for every page. */
export async function selectKnownIds(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  ids: readonly string[],
  exceptPage?: number,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query(
    `SELECT resource_id FROM ${s}.systems WHERE snapshot_id = $1 AND resource_id = ANY($2::text[])` +
      (exceptPage === undefined ? '' : ' AND source_page <> $3'),
    exceptPage === undefined ? [snapshotId, ids] : [snapshotId, ids, exceptPage],
  );
  return new Set(rows.map((row) => toText(row['resource_id'])));
}

/** The newest stored record of `resourceId`, exactly as received: the row's own raw_json (D98). */
export async function selectRawRecord(
  db: SqlQueryable,
  s: QuotedSchema,
  resourceId: string,
): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT raw_json FROM ${s}.systems WHERE resource_id = $1 ORDER BY snapshot_id DESC LIMIT 1`,
    [resourceId],
  );
  return toTextOrNull(rows[0]?.['raw_json']);
}

/** Systems of the newest `success` pass of ours before this snapshot; null when there is none. */
export async function selectLastSuccessfulSize(
  db: SqlQueryable,
  s: QuotedSchema,
  beforeSnapshotId: number,
): Promise<number | null> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM ${s}.systems y WHERE y.snapshot_id = latest.id) AS n
     FROM (SELECT MAX(s.snapshot_id) AS id FROM ${s}.snapshots s
       JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE s.status = 'success' AND s.snapshot_id < $1) latest WHERE latest.id IS NOT NULL`,
    [beforeSnapshotId],
  );
  return rows[0] === undefined ? null : toInt(rows[0]['n']);
}
