/** Stored rows → the port's types, plus the coverage arithmetic shared by commit and reset. */
import type { ErrorType } from '../platform/index.ts';
import { parseSqlTime } from './sql-time.ts';
import type { Checkpoint, GapRow, PublishedSnapshot, SnapshotInfo, SnapshotStatus } from './store.ts';

export interface SnapshotRow {
  snapshot_id: number;
  status: SnapshotStatus;
  timestamp: string | null;
  error_message: string | null;
}

export interface CheckpointRow {
  snapshot_id: number;
  last_page: number;
  systems_extracted: number;
  coverage_pct: number;
  total_systems: number | null;
  total_pages: number | null;
  page_limit: number | null;
  pass_complete: number;
  previous_coverage_pct: number | null;
  /** Absent before migration 8 has run on the file (a read-only open, D18). */
  probed_page_size?: number | null;
  page_size_fallback?: string | null;
  updated_at: string | null;
}

export interface GapDbRow {
  snapshot_id: number;
  page_num: number;
  error_type: string;
  error_message: string | null;
  response_sample: string | null;
  attempts: number;
  retry_sweeps: number;
  resolved: number;
  resolved_at: string | null;
}

/**
 * Percentage of `total` covered by `count`, clamped to 0..100 and rounded DOWN to 0.1 so a pass is
 * never reported as meeting a target it missed by a rounding margin. 0 when the total is unknown;
 * 100 when the API reports an empty inventory (0 of 0 is complete, not a failure to converge).
 * Integer arithmetic: count×1000/total is exact whenever the true value is a whole number.
 */
export function coveragePct(count: number, total: number | null): number {
  if (total === null) return 0;
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((count * 1000) / total) / 10);
}

export interface PublishedRow {
  snapshot_id: number;
  timestamp: string | null;
  extraction_duration_ms: number | null;
  /** Null before migration 12, or for a row another tool wrote. */
  completed_at: string | null;
  systems_extracted: number;
  coverage_pct: number;
  updated_at: string | null;
}

/**
 * Completion = completed_at (D111); for a row without it, start + the pass's duration, and the last
 * checkpoint write when the duration is missing too.
 */
export function toPublished(row: PublishedRow): PublishedSnapshot {
  const startMs = parseSqlTime(row.timestamp);
  const completedMs =
    parseSqlTime(row.completed_at) ??
    (startMs !== null && row.extraction_duration_ms !== null
      ? startMs + row.extraction_duration_ms
      : (parseSqlTime(row.updated_at) ?? startMs ?? 0));
  return {
    snapshot_id: row.snapshot_id,
    completed_at_ms: completedMs,
    systems_extracted: row.systems_extracted,
    coverage_pct: row.coverage_pct,
  };
}

export function toSnapshotInfo(row: SnapshotRow): SnapshotInfo {
  return {
    snapshot_id: row.snapshot_id,
    status: row.status,
    created_at_ms: parseSqlTime(row.timestamp) ?? 0,
    error_message: row.error_message,
  };
}

export function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    snapshot_id: row.snapshot_id,
    last_page: row.last_page,
    systems_extracted: row.systems_extracted,
    coverage_pct: row.coverage_pct,
    total_systems: row.total_systems,
    total_pages: row.total_pages,
    page_limit: row.page_limit,
    pass_complete: row.pass_complete !== 0,
    previous_coverage_pct: row.previous_coverage_pct,
    probed_page_size: row.probed_page_size ?? null,
    page_size_fallback: row.page_size_fallback ?? null,
    updated_at_ms: parseSqlTime(row.updated_at) ?? 0,
  };
}

export function toGapRow(row: GapDbRow): GapRow {
  return {
    snapshot_id: row.snapshot_id,
    page_num: row.page_num,
    // Rows come from our own writes (or a predecessor using the same D7 vocabulary).
    error_type: row.error_type as ErrorType,
    error_message: row.error_message ?? '',
    response_sample: row.response_sample,
    attempts: row.attempts,
    retry_sweeps: row.retry_sweeps,
    resolved: row.resolved !== 0,
    resolved_at_ms: parseSqlTime(row.resolved_at),
  };
}
