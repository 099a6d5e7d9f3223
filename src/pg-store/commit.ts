/**
 * Store.commit and the checkpoint writer, run inside the caller's transaction (D101): stale rows,
 * systems, gaps, gap retries and the checkpoint land together or not at all, so the checkpoint
 * never runs ahead of the data (D6). Each kind of row is one multi-row statement.
 */
import {
  CHECKPOINT_WRITER,
  coveragePct,
  unknownSnapshot,
  type CheckpointFields,
  type CommitBatch,
  type CommitResult,
  type GapRetry,
} from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import { settleLookups } from './removal-candidates.ts';
import type { SqlQueryable } from './sql-client.ts';
import { systemArrays, upsertSystemsSql } from './system-rows.ts';
import { toInt, tsParam } from './values.ts';

/** `storedBefore`: the snapshot's systems before this batch, or null to count them here (D71). */
export async function commitBatch(
  tx: SqlQueryable,
  s: QuotedSchema,
  batch: CommitBatch,
  storedBefore: number | null,
): Promise<CommitResult> {
  const { snapshot_id: snapshotId, nowMs } = batch;
  // Before any statement: a system the schema cannot take fails the batch without a round trip.
  const systems = systemArrays(batch);
  // The whole snapshot is counted once per snapshot per process, not at every commit (D71).
  const stored =
    storedBefore === null ? `(SELECT count(*) FROM ${s}.systems WHERE snapshot_id = $1)` : 'NULL';
  const found = await tx.query(`SELECT ${stored} AS stored FROM ${s}.snapshots WHERE snapshot_id = $1`, [
    snapshotId,
  ]);
  const snapshot = found.rows[0];
  if (snapshot === undefined) throw unknownSnapshot(snapshotId);
  const before = storedBefore ?? toInt(snapshot['stored']);
  // Rows a drift re-read showed to be gone (D53), removed before the new ones are counted.
  let deleted = 0;
  if ((batch.staleIds ?? []).length > 0) {
    const result = await tx.query(
      `WITH gone AS (DELETE FROM ${s}.systems WHERE snapshot_id = $1 AND resource_id = ANY($2::text[])
       RETURNING 1) SELECT count(*) AS n FROM gone`,
      [snapshotId, batch.staleIds],
    );
    deleted = toInt(result.rows[0]?.['n']);
  }
  let newSystems = 0;
  if (systems.ids.length > 0) {
    // Looked up before the upsert: ON CONFLICT DO UPDATE cannot tell an insert from an update (D71).
    const known = await tx.query(
      `SELECT count(*) AS n FROM ${s}.systems WHERE snapshot_id = $1 AND resource_id = ANY($2::text[])`,
      [snapshotId, systems.ids],
    );
    newSystems = systems.ids.length - toInt(known.rows[0]?.['n']);
    await tx.query(upsertSystemsSql(s), [snapshotId, nowMs, ...systems.arrays]);
  }
  // Lookups settle with the rows (source_page 0) they stored, in this transaction (D85).
  await settleLookups(tx, s, snapshotId, nowMs, batch.lookups ?? []);
  await upsertGaps(tx, s, batch);
  await retryGaps(tx, s, batch);
  const systemsExtracted = before - deleted + newSystems;
  const coverage = coveragePct(systemsExtracted, batch.checkpoint.total_systems);
  await writeCheckpoint(tx, s, snapshotId, nowMs, {
    ...batch.checkpoint,
    systems_extracted: systemsExtracted,
    coverage_pct: coverage,
  });
  return { systems_extracted: systemsExtracted, coverage_pct: coverage };
}

/** New gaps; a page recorded again is open again and keeps its retry_sweeps. Last record per page wins. */
async function upsertGaps(tx: SqlQueryable, s: QuotedSchema, batch: CommitBatch): Promise<void> {
  const gaps = [...new Map(batch.gaps.map((gap) => [gap.page_num, gap])).values()];
  if (gaps.length === 0) return;
  await tx.query(
    `INSERT INTO ${s}.extraction_gaps (snapshot_id, page_num, error_type, error_message,
       response_sample, attempts, created_at, updated_at)
     SELECT $1, t.page_num, t.error_type, t.error_message, t.response_sample, t.attempts,
       ${tsParam(2)}, ${tsParam(2)}
     FROM unnest($3::integer[], $4::text[], $5::text[], $6::text[], $7::integer[]) WITH ORDINALITY
       AS t(page_num, error_type, error_message, response_sample, attempts, ord) ORDER BY t.ord
     ON CONFLICT (snapshot_id, page_num) DO UPDATE SET error_type = EXCLUDED.error_type,
       error_message = EXCLUDED.error_message, response_sample = EXCLUDED.response_sample,
       attempts = EXCLUDED.attempts, updated_at = EXCLUDED.updated_at, resolved = 0, resolved_at = NULL`,
    [
      batch.snapshot_id,
      batch.nowMs,
      gaps.map((gap) => gap.page_num),
      gaps.map((gap) => gap.error_type),
      gaps.map((gap) => gap.error_message),
      gaps.map((gap) => gap.response_sample),
      gaps.map((gap) => gap.attempts),
    ],
  );
}

interface SweptPage {
  page_num: number;
  sweeps: number;
  attempts: number;
  resolved: number;
  error_type: string | null;
  error_message: string | null;
}

/**
 * Gap retries, one UPDATE for all pages. A page retried twice in one batch is folded first into what
 * two consecutive updates leave: sweeps and attempts add up, the last outcome and error win.
 */
function foldRetries(retries: readonly GapRetry[]): SweptPage[] {
  const pages = new Map<number, SweptPage>();
  for (const retry of retries) {
    const earlier = pages.get(retry.page_num);
    pages.set(retry.page_num, {
      page_num: retry.page_num,
      sweeps: (earlier?.sweeps ?? 0) + 1,
      attempts: (earlier?.attempts ?? 0) + retry.attempts,
      resolved: retry.resolved ? 1 : 0,
      error_type: retry.error_type ?? earlier?.error_type ?? null,
      error_message: retry.error_message ?? earlier?.error_message ?? null,
    });
  }
  return [...pages.values()];
}

async function retryGaps(tx: SqlQueryable, s: QuotedSchema, batch: CommitBatch): Promise<void> {
  const pages = foldRetries(batch.gapRetries);
  if (pages.length === 0) return;
  const column = <K extends keyof SweptPage>(key: K): SweptPage[K][] => pages.map((page) => page[key]);
  await tx.query(
    `UPDATE ${s}.extraction_gaps g SET retry_sweeps = g.retry_sweeps + r.sweeps,
       attempts = g.attempts + r.attempts, resolved = r.resolved,
       resolved_at = CASE WHEN r.resolved = 1 THEN ${tsParam(2)} END,
       error_type = COALESCE(r.error_type, g.error_type),
       error_message = COALESCE(r.error_message, g.error_message), updated_at = ${tsParam(2)}
     FROM unnest($3::integer[], $4::integer[], $5::integer[], $6::integer[], $7::text[], $8::text[])
       AS r(page_num, sweeps, attempts, resolved, error_type, error_message)
     WHERE g.snapshot_id = $1 AND g.page_num = r.page_num`,
    [
      batch.snapshot_id,
      batch.nowMs,
      column('page_num'),
      column('sweeps'),
      column('attempts'),
      column('resolved'),
      column('error_type'),
      column('error_message'),
    ],
  );
}

export async function writeCheckpoint(
  tx: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
  nowMs: number,
  fields: CheckpointFields,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.extraction_checkpoints (snapshot_id, created_at, updated_at, last_page,
       systems_extracted, coverage_pct, total_systems, total_pages, page_limit, pass_complete,
       previous_coverage_pct, written_by, probed_page_size, page_size_fallback)
     VALUES ($1, ${tsParam(2)}, ${tsParam(2)}, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (snapshot_id) DO UPDATE SET updated_at = EXCLUDED.updated_at,
       last_page = EXCLUDED.last_page, systems_extracted = EXCLUDED.systems_extracted,
       coverage_pct = EXCLUDED.coverage_pct, total_systems = EXCLUDED.total_systems,
       total_pages = EXCLUDED.total_pages, page_limit = EXCLUDED.page_limit,
       pass_complete = EXCLUDED.pass_complete, previous_coverage_pct = EXCLUDED.previous_coverage_pct,
       written_by = EXCLUDED.written_by, probed_page_size = EXCLUDED.probed_page_size,
       page_size_fallback = EXCLUDED.page_size_fallback`,
    [
      snapshotId,
      nowMs,
      fields.last_page,
      fields.systems_extracted,
      fields.coverage_pct,
      fields.total_systems,
      fields.total_pages,
      fields.page_limit,
      fields.pass_complete ? 1 : 0,
      fields.previous_coverage_pct,
      CHECKPOINT_WRITER,
      fields.probed_page_size,
      fields.page_size_fallback,
    ],
  );
}
