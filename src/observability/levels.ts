import type { EventType, Level, LogLevel } from '../platform/index.ts';

/** Level used when the caller does not pass one (D8's level guidance). */
export const DEFAULT_LEVELS: Readonly<Record<EventType, Level>> = {
  run_start: 'INFO',
  batch_start: 'INFO',
  extraction_progress: 'INFO',
  page_extraction_failed: 'WARNING',
  page_skipped: 'ERROR',
  records_rejected: 'ERROR',
  duplicate_records: 'WARNING',
  gap_recovered: 'INFO',
  token_refresh: 'INFO',
  token_budget: 'DEBUG',
  checkpoint_commit: 'INFO',
  checkpoint_corruption: 'WARNING',
  coverage_decreased: 'WARNING',
  page_size_probed: 'INFO',
  page_size_fallback: 'WARNING',
  page_drift_detected: 'WARNING',
  removal_candidates: 'INFO',
  removal_confirmed: 'INFO',
  batch_complete: 'INFO',
  target_met: 'INFO',
  inventory_changes: 'INFO',
  snapshots_pruned: 'INFO',
  run_deferred: 'WARNING',
  extraction_failed: 'CRITICAL',
  run_complete: 'INFO',
  slack_disabled: 'WARNING',
  slack_failed: 'WARNING',
  hook_failed: 'WARNING',
  hook_complete: 'INFO',
  retry_decision: 'DEBUG',
};

/** pino severities for our five levels; the gaps leave pino's usual 10-step spacing. */
export const PINO_LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  debug: 20,
  info: 30,
  warning: 40,
  error: 50,
  critical: 60,
};

export function toLevelName(level: Level): LogLevel {
  return level.toLowerCase() as LogLevel;
}
