/**
 * The body of Store.commit and the checkpoint writer, run inside the caller's transaction: systems,
 * gaps, gap retries and the checkpoint land together or not at all, so the checkpoint never runs
 * ahead of the data (D6).
 */
import { ExtractorError } from '../platform/index.ts';
import { coveragePct } from './rows.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';
import { toSqlTime } from './sql-time.ts';
import type { Statements } from './statements.ts';
import type { Checkpoint, CommitBatch, CommitResult } from './store.ts';
import { writePage } from './write-page.ts';
import type { PendingEncoder } from './pending-encoding.ts';

export type CheckpointFields = Omit<Checkpoint, 'snapshot_id' | 'updated_at_ms'>;

/**
 * A checkpoint that knows nothing of the API yet (new snapshot, or reset after corruption): totals
 * unknown, so coverage is 0 until the next page reports `total`.
 */
export function emptyCheckpoint(lastPage: number, systemsExtracted: number): CheckpointFields {
  return {
    last_page: lastPage,
    systems_extracted: systemsExtracted,
    coverage_pct: 0,
    total_systems: null,
    total_pages: null,
    page_limit: null,
    pass_complete: false,
    previous_coverage_pct: null,
    probed_page_size: null,
    page_size_fallback: null,
  };
}

export function unknownSnapshot(snapshotId: number): ExtractorError {
  return new ExtractorError('database_error', `Snapshot ${snapshotId} does not exist`);
}

/**
 * `storedBefore`: systems of the snapshot before this batch (the store's own count, D71). `settle`
 * writes the batch's lookups (D85) in the same transaction as the rows they stored.
 */
export function commitBatch(
  sql: Statements,
  batch: CommitBatch,
  storedBefore: number,
  settle: (snapshotId: number, lookups: CommitBatch['lookups'] & object, nowSql: string) => void,
  encoder: PendingEncoder | null,
): CommitResult {
  const { snapshot_id: snapshotId, nowMs } = batch;
  if (sql.snapshotExists.get(snapshotId) === undefined) throw unknownSnapshot(snapshotId);
  const now = toSqlTime(nowMs);
  // Rows a drift re-read showed to be gone (D53), removed before the new ones are counted.
  let deleted = 0;
  for (const id of batch.staleIds ?? []) deleted += sql.deleteSystem.run(snapshotId, id).changes;
  const newSystems = countNewSystems(sql, batch);
  encoder?.begin(snapshotId);
  for (const { page, systems } of batch.pages) writePage(sql, snapshotId, page, systems, now, encoder);
  if (batch.lookups !== undefined && batch.lookups.length > 0) settle(snapshotId, batch.lookups, now);
  for (const gap of batch.gaps) {
    // A page recorded again is open again; its retry_sweeps count is kept.
    sql.upsertGap.run({
      snapshot_id: snapshotId,
      page_num: gap.page_num,
      error_type: gap.error_type,
      error_message: gap.error_message,
      response_sample: gap.response_sample,
      attempts: gap.attempts,
      now,
    });
  }
  for (const retry of batch.gapRetries) {
    sql.retryGap.run({
      snapshot_id: snapshotId,
      page_num: retry.page_num,
      attempts: retry.attempts,
      resolved: retry.resolved ? 1 : 0,
      error_type: retry.error_type ?? null,
      error_message: retry.error_message ?? null,
      now,
    });
  }
  const systemsExtracted = storedBefore - deleted + newSystems;
  const coverage = coveragePct(systemsExtracted, batch.checkpoint.total_systems);
  writeCheckpoint(sql, snapshotId, nowMs, {
    ...batch.checkpoint,
    systems_extracted: systemsExtracted,
    coverage_pct: coverage,
  });
  return { systems_extracted: systemsExtracted, coverage_pct: coverage };
}

/**
 * Distinct ids of the batch not yet stored in the snapshot, looked up before the upserts (an
 * ON CONFLICT upsert's changes() cannot tell an insert from an update). Added to the checkpoint's
 * count, this equals COUNT(*) without counting the whole snapshot at every commit (D71).
 */
function countNewSystems(sql: Statements, batch: CommitBatch): number {
  const ids = new Set(batch.pages.flatMap((entry) => entry.systems.map((system) => system.resource_id)));
  if (ids.size === 0) return 0;
  const known = sql.knownIds.all(batch.snapshot_id, JSON.stringify([...ids])) as string[];
  return ids.size - known.length;
}

export function writeCheckpoint(
  sql: Statements,
  snapshotId: number,
  nowMs: number,
  fields: CheckpointFields,
): void {
  sql.upsertCheckpoint.run({
    snapshot_id: snapshotId,
    last_page: fields.last_page,
    systems_extracted: fields.systems_extracted,
    coverage_pct: fields.coverage_pct,
    total_systems: fields.total_systems,
    total_pages: fields.total_pages,
    page_limit: fields.page_limit,
    pass_complete: fields.pass_complete ? 1 : 0,
    previous_coverage_pct: fields.previous_coverage_pct,
    probed_page_size: fields.probed_page_size,
    page_size_fallback: fields.page_size_fallback,
    written_by: CHECKPOINT_WRITER,
    updated_at: toSqlTime(nowMs),
  });
}
