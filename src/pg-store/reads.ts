/**
 * The store's reads, each one statement, with rows turned into the port's types. Times are selected
 * as epoch ms (values.ts), so no driver date parsing is involved.
 */
import type { ErrorType } from '../platform/index.ts';
import {
  CHECKPOINT_WRITER,
  type Checkpoint,
  type GapRow,
  type LastRun,
  type PublishedSnapshot,
  type SnapshotInfo,
  type SnapshotStatus,
} from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import { pageSizeOf } from './page-size.ts';
import type { SqlQueryable, SqlRow } from './sql-client.ts';
import { msOf, toFloat, toFloatOrNull, toInt, toIntOrNull, toText, toTextOrNull } from './values.ts';

async function firstRow(db: SqlQueryable, text: string, params: readonly unknown[]): Promise<SqlRow | null> {
  return (await db.query(text, params)).rows[0] ?? null;
}

export async function readCurrentSnapshot(db: SqlQueryable, s: QuotedSchema): Promise<SnapshotInfo | null> {
  const row = await firstRow(
    db,
    `SELECT s.snapshot_id, s.status, ${msOf('s.timestamp')} AS created_ms, s.error_message
     FROM ${s}.snapshots s JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
     WHERE c.written_by = $1 ORDER BY s.snapshot_id DESC LIMIT 1`,
    [CHECKPOINT_WRITER],
  );
  if (row === null) return null;
  return {
    snapshot_id: toInt(row['snapshot_id']),
    status: toText(row['status']) as SnapshotStatus,
    created_at_ms: toIntOrNull(row['created_ms']) ?? 0,
    error_message: toTextOrNull(row['error_message']),
  };
}

/** Completion = start + the pass's duration; the last checkpoint write when the duration is missing. */
export async function readPublishedSnapshot(
  db: SqlQueryable,
  s: QuotedSchema,
): Promise<PublishedSnapshot | null> {
  const row = await firstRow(
    db,
    `SELECT s.snapshot_id, ${msOf('s.timestamp')} AS started_ms, s.extraction_duration_ms,
       c.systems_extracted, c.coverage_pct, ${msOf('c.updated_at')} AS updated_ms
     FROM ${s}.snapshots s JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
     WHERE c.written_by = $1 AND s.status = 'success' ORDER BY s.snapshot_id DESC LIMIT 1`,
    [CHECKPOINT_WRITER],
  );
  if (row === null) return null;
  const startedMs = toIntOrNull(row['started_ms']);
  const durationMs = toIntOrNull(row['extraction_duration_ms']);
  return {
    snapshot_id: toInt(row['snapshot_id']),
    completed_at_ms:
      startedMs !== null && durationMs !== null
        ? startedMs + durationMs
        : (toIntOrNull(row['updated_ms']) ?? startedMs ?? 0),
    systems_extracted: toInt(row['systems_extracted']),
    coverage_pct: toFloat(row['coverage_pct']),
  };
}

export async function readCheckpoint(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
): Promise<Checkpoint | null> {
  const row = await firstRow(
    db,
    `SELECT *, ${msOf('updated_at')} AS updated_ms FROM ${s}.extraction_checkpoints WHERE snapshot_id = $1`,
    [snapshotId],
  );
  if (row === null) return null;
  return {
    snapshot_id: toInt(row['snapshot_id']),
    last_page: toInt(row['last_page']),
    systems_extracted: toInt(row['systems_extracted']),
    coverage_pct: toFloat(row['coverage_pct']),
    total_systems: toIntOrNull(row['total_systems']),
    total_pages: toIntOrNull(row['total_pages']),
    page_limit: toIntOrNull(row['page_limit']),
    pass_complete: toInt(row['pass_complete']) !== 0,
    previous_coverage_pct: toFloatOrNull(row['previous_coverage_pct']),
    ...pageSizeOf(row),
    updated_at_ms: toIntOrNull(row['updated_ms']) ?? 0,
  };
}

export async function readGaps(db: SqlQueryable, s: QuotedSchema, snapshotId: number): Promise<GapRow[]> {
  const { rows } = await db.query(
    `SELECT snapshot_id, page_num, error_type, error_message, response_sample, attempts, retry_sweeps,
       resolved, ${msOf('resolved_at')} AS resolved_ms
     FROM ${s}.extraction_gaps WHERE snapshot_id = $1 ORDER BY page_num`,
    [snapshotId],
  );
  return rows.map((row) => ({
    snapshot_id: toInt(row['snapshot_id']),
    page_num: toInt(row['page_num']),
    // Rows come from our own writes, in the D7 vocabulary.
    error_type: toText(row['error_type']) as ErrorType,
    error_message: toTextOrNull(row['error_message']) ?? '',
    response_sample: toTextOrNull(row['response_sample']),
    attempts: toInt(row['attempts']),
    retry_sweeps: toInt(row['retry_sweeps']),
    resolved: toInt(row['resolved']) !== 0,
    resolved_at_ms: toIntOrNull(row['resolved_ms']),
  }));
}

export async function readLastRun(db: SqlQueryable, s: QuotedSchema): Promise<LastRun | null> {
  const row = await firstRow(
    db,
    `SELECT exit_code, outcome, reason, snapshot_id, ${msOf('finished_at')} AS finished_ms
     FROM ${s}.extraction_last_run WHERE id = 1`,
    [],
  );
  if (row === null) return null;
  return {
    exit_code: toInt(row['exit_code']),
    outcome: toText(row['outcome']),
    reason: toTextOrNull(row['reason']),
    snapshot_id: toIntOrNull(row['snapshot_id']),
    finished_at_ms: toIntOrNull(row['finished_ms']) ?? 0,
  };
}
