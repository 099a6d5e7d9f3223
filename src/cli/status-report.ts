/**
 * `--status` (D8, D18): reads the database only — no network, no credentials. buildStatus gathers
 * the fields D8 names; renderStatus (status-render.ts) prints them for humans; `--json` prints the
 * object as is.
 */
import type { LastRun, Store } from '../store/index.ts';

/** ms per hour, for data_age_hours. */
const HOUR_MS = 3_600_000;

interface StatusGap {
  page: number;
  error_type: string;
  attempts: number;
  resolved: boolean;
  retry_sweeps: number;
  error_message: string | null;
}

export interface StatusReport {
  snapshot_id: number | null;
  snapshot_status: string | null;
  last_page: number;
  total_pages: number | null;
  total_systems: number | null;
  systems_extracted: number;
  coverage_pct: number;
  target_pct: number;
  target_met: boolean;
  pass_complete: boolean;
  updated_at: string | null;
  gaps: StatusGap[];
  /** The newest `success` snapshot: what downstream tools read. Null before the first one. */
  published_snapshot_id: number | null;
  /** When that pass completed (snapshots.completed_at, ISO-8601 UTC). */
  published_at: string | null;
  /** Systems in the published snapshot. */
  published_systems: number | null;
  /** Hours since published_at, one decimal (0 for a clock behind the database). */
  data_age_hours: number | null;
  last_run: {
    exit_code: number;
    outcome: string;
    reason: string | null;
    finished_at: string;
  } | null;
}

export async function buildStatus(
  store: Store | null,
  targetPct: number,
  nowMs: number,
): Promise<StatusReport> {
  const snapshot = (await store?.currentSnapshot()) ?? null;
  const checkpoint = snapshot === null ? null : ((await store?.getCheckpoint(snapshot.snapshot_id)) ?? null);
  const gaps = snapshot === null || store === null ? [] : await store.listGaps(snapshot.snapshot_id);
  const coveragePct = checkpoint?.coverage_pct ?? 0;
  const published = (await store?.publishedSnapshot()) ?? null;
  const lastRun = (await store?.lastRun()) ?? null;
  return {
    snapshot_id: snapshot?.snapshot_id ?? null,
    snapshot_status: snapshot?.status ?? null,
    last_page: checkpoint?.last_page ?? 0,
    total_pages: checkpoint?.total_pages ?? null,
    total_systems: checkpoint?.total_systems ?? null,
    systems_extracted: checkpoint?.systems_extracted ?? 0,
    coverage_pct: coveragePct,
    target_pct: targetPct,
    target_met:
      snapshot?.status === 'success' || (checkpoint?.pass_complete === true && coveragePct >= targetPct),
    pass_complete: checkpoint?.pass_complete ?? false,
    updated_at: checkpoint === null ? null : new Date(checkpoint.updated_at_ms).toISOString(),
    gaps: gaps.map((gap) => ({
      page: gap.page_num,
      error_type: gap.error_type,
      attempts: gap.attempts,
      resolved: gap.resolved,
      retry_sweeps: gap.retry_sweeps,
      error_message: gap.error_message,
    })),
    published_snapshot_id: published?.snapshot_id ?? null,
    published_at: published === null ? null : new Date(published.completed_at_ms).toISOString(),
    published_systems: published?.systems_extracted ?? null,
    data_age_hours: published === null ? null : ageHours(nowMs - published.completed_at_ms),
    last_run: lastRun === null ? null : toLastRunReport(lastRun),
  };
}

/** Hours with one decimal, never negative (a host clock behind the database's). */
function ageHours(ageMs: number): number {
  return Math.round(Math.max(0, ageMs) / (HOUR_MS / 10)) / 10;
}

function toLastRunReport(run: LastRun): NonNullable<StatusReport['last_run']> {
  return {
    exit_code: run.exit_code,
    outcome: run.outcome,
    reason: run.reason,
    finished_at: new Date(run.finished_at_ms).toISOString(),
  };
}
