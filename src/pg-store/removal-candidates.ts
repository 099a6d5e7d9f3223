/**
 * Confirmed removals over PostgreSQL (D125): the SQLite store's removal_candidates statements
 * (D85, D86, D87) in Postgres SQL. Which systems of the previous published snapshot this pass did not
 * return, their lookup progress, and the previous rows a failed lookup carries over.
 */
import {
  SYSTEM_DATA_COLUMNS,
  SYSTEM_INTEGER_COLUMNS,
  type LookupSettlement,
  type RemovalCounts,
  type RemovalPreview,
  type SystemRecord,
} from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import type { SqlQueryable, SqlRow } from './sql-client.ts';
import { toInt, toIntOrNull, toText, tsParam } from './values.ts';

const INTEGER_COLUMNS: ReadonlySet<string> = new Set(SYSTEM_INTEGER_COLUMNS);

/** The previous published snapshot: this tool's newest `success` (it has a checkpoint) before $1. */
const previousOf = (s: QuotedSchema): string =>
  `SELECT MAX(p.snapshot_id) AS id FROM ${s}.snapshots p
   JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = p.snapshot_id
   WHERE p.status = 'success' AND p.snapshot_id < $1`;

/**
 * Rows of the previous published snapshot missing from $1, each with `lost` when its previous page
 * overlaps a gap of $1 that is still open (D86). Pages are compared as offset ranges with each pass's
 * own page_limit, exactly as in SQLite; a previous row with no page (NULL or 0) is never lost.
 */
const missing = (s: QuotedSchema): string => `
WITH prev AS (${previousOf(s)}),
limits AS (
  SELECT COALESCE(pc.page_limit, cc.page_limit, 1) AS lp, COALESCE(cc.page_limit, pc.page_limit, 1) AS lc
  FROM prev
  LEFT JOIN ${s}.extraction_checkpoints pc ON pc.snapshot_id = prev.id
  LEFT JOIN ${s}.extraction_checkpoints cc ON cc.snapshot_id = $1),
missing AS (
  SELECT p.snapshot_id AS previous_id, p.resource_id, p.source_page,
    EXISTS (SELECT 1 FROM ${s}.extraction_gaps g, limits
      WHERE g.snapshot_id = $1 AND g.resolved = 0 AND p.source_page >= 1
        AND (p.source_page - 1)::bigint * limits.lp < g.page_num::bigint * limits.lc
        AND (g.page_num - 1)::bigint * limits.lc < p.source_page::bigint * limits.lp) AS lost
  FROM ${s}.systems p JOIN prev ON p.snapshot_id = prev.id
  WHERE NOT EXISTS (SELECT 1 FROM ${s}.systems c WHERE c.snapshot_id = $1 AND c.resource_id = p.resource_id))`;

async function previousId(db: SqlQueryable, s: QuotedSchema, snapshotId: number): Promise<number | null> {
  const { rows } = await db.query(previousOf(s), [snapshotId]);
  return toIntOrNull(rows[0]?.['id']);
}

export async function previewRemovals(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
): Promise<RemovalPreview | null> {
  const previous = await previousId(db, s, snapshotId);
  if (previous === null) return null;
  const { rows } = await db.query(
    `${missing(s)} SELECT count(*) FILTER (WHERE NOT lost) AS candidates,
       count(*) FILTER (WHERE lost) AS lost_gap FROM missing`,
    [snapshotId],
  );
  const row = rows[0] ?? {};
  return {
    previous_snapshot_id: previous,
    candidates: toInt(row['candidates']),
    lost_gap: toInt(row['lost_gap']),
  };
}

/** Inserts the pass's candidates once: rows already selected are kept (ON CONFLICT DO NOTHING, D85). */
export async function insertRemovalCandidates(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  nowMs: number,
): Promise<void> {
  await db.query(
    `${missing(s)} INSERT INTO ${s}.removal_candidates (snapshot_id, resource_id, previous_snapshot_id,
       previous_page, state, reason, attempts, created_at, updated_at)
     SELECT $1, resource_id, previous_id, source_page,
       CASE WHEN lost THEN 'unknown' ELSE 'pending' END, CASE WHEN lost THEN 'lost_gap' END, 0,
       ${tsParam(2)}, ${tsParam(2)}
     FROM missing ORDER BY source_page, resource_id
     ON CONFLICT (snapshot_id, resource_id) DO NOTHING`,
    [snapshotId, nowMs],
  );
}

export async function countRemovals(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
): Promise<RemovalCounts | null> {
  const { rows } = await db.query(
    `SELECT MAX(previous_snapshot_id) AS previous_snapshot_id,
       count(*) FILTER (WHERE state = 'pending') AS pending,
       count(*) FILTER (WHERE state = 'present') AS present,
       count(*) FILTER (WHERE state = 'removed') AS removed,
       count(*) FILTER (WHERE reason = 'lost_gap') AS lost_gap,
       count(*) FILTER (WHERE state = 'unknown' AND reason <> 'lost_gap') AS carried_over
     FROM ${s}.removal_candidates WHERE snapshot_id = $1`,
    [snapshotId],
  );
  const row = rows[0] ?? {};
  // MAX over no rows is NULL: nothing selected yet.
  const previous = toIntOrNull(row['previous_snapshot_id']);
  if (previous === null) return null;
  return {
    previous_snapshot_id: previous,
    pending: toInt(row['pending']),
    present: toInt(row['present']),
    removed: toInt(row['removed']),
    lost_gap: toInt(row['lost_gap']),
    carried_over: toInt(row['carried_over']),
  };
}

export async function selectPendingRemovals(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT resource_id FROM ${s}.removal_candidates WHERE snapshot_id = $1 AND state = 'pending'
     ORDER BY previous_page, resource_id LIMIT $2`,
    [snapshotId, limit],
  );
  return rows.map((row) => toText(row['resource_id']));
}

/** An int8 column as the number SQLite would give; a value beyond 2^53 stays exact digit text. */
function columnValue(name: string, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (!INTEGER_COLUMNS.has(name)) return toText(value);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value.toString();
  }
  return toInt(value); // anything else is no int8: throws a database_error
}

function toSystemRecord(row: SqlRow): SystemRecord {
  const columns = Object.fromEntries(SYSTEM_DATA_COLUMNS.map((name) => [name, columnValue(name, row[name])]));
  const raw = row['raw_json'];
  return { resource_id: toText(row['resource_id']), columns, raw_json: typeof raw === 'string' ? raw : '' };
}

/** The previous published rows of these candidates, columns and raw record as stored (D87). */
export async function selectPreviousRecords(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  ids: readonly string[],
): Promise<SystemRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    `SELECT p.resource_id, ${SYSTEM_DATA_COLUMNS.map((name) => `p."${name}"`).join(', ')}, p.raw_json
     FROM ${s}.removal_candidates k
     JOIN ${s}.systems p ON p.snapshot_id = k.previous_snapshot_id AND p.resource_id = k.resource_id
     WHERE k.snapshot_id = $1 AND k.resource_id = ANY($2::text[])
     ORDER BY p.system_id`,
    [snapshotId, ids],
  );
  return rows.map(toSystemRecord);
}

/**
 * Inside the caller's commit transaction (D6: settled with the rows it stored, or not at all). Only a
 * pending row changes, so a lookup repeated after a crash cannot flip a settled one; an id settled twice
 * in one batch keeps its first settlement, as SQLite's row-by-row updates leave it.
 */
export async function settleLookups(
  tx: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  nowMs: number,
  settlements: readonly LookupSettlement[],
): Promise<void> {
  // Reversed, so that the first settlement of an id is the one the Map keeps.
  const list = [...new Map([...settlements].reverse().map((one) => [one.resource_id, one])).values()];
  if (list.length === 0) return;
  await tx.query(
    `UPDATE ${s}.removal_candidates k SET state = t.state, reason = t.reason,
       attempts = k.attempts + t.attempts, updated_at = ${tsParam(2)}
     FROM unnest($3::text[], $4::text[], $5::text[], $6::integer[]) AS t(resource_id, state, reason, attempts)
     WHERE k.snapshot_id = $1 AND k.resource_id = t.resource_id AND k.state = 'pending'`,
    [
      snapshotId,
      nowMs,
      list.map((settled) => settled.resource_id),
      list.map((settled) => settled.state),
      list.map((settled) => settled.reason),
      list.map((settled) => settled.attempts),
    ],
  );
}
