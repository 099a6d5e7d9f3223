import type { EventMap, EventType } from '../platform/index.ts';

/**
 * The allow-list of fields each event may carry: only these keys reach a log line, so an object
 * that happens to hold a token or a raw response cannot leak through an extra property. The type
 * check below fails to compile when a field is added to EventMap but not here, so the list can
 * never silently drop a documented field (the predecessor's whitelist did exactly that).
 */
export const EVENT_FIELDS = {
  run_start: ['command', 'db_path', 'batch_pages', 'target_pct', 'version'],
  batch_start: ['start_page', 'batch_pages', 'target_pct', 'resumed', 'snapshot_status'],
  extraction_progress: [
    'page',
    'total_pages',
    'systems_extracted',
    'total_systems',
    'progress_pct',
    'errors_total',
    'eta_minutes',
  ],
  page_extraction_failed: [
    'page',
    'attempt',
    'max_attempts',
    'http_status',
    'error_type',
    'error_message',
    'response_sample',
    'action',
    'delay_ms',
    'resource_id',
  ],
  page_skipped: ['page', 'error_type', 'attempts'],
  records_rejected: ['page', 'count', 'reasons'],
  duplicate_records: ['page', 'within_page', 'across_pages'],
  gap_recovered: ['page', 'sweep', 'systems'],
  token_refresh: ['reason', 'success', 'token_age_s', 'ttl_s', 'source', 'error_message'],
  token_budget: ['used', 'limit', 'window_s'],
  checkpoint_commit: ['last_page', 'systems_extracted', 'coverage_pct', 'pages_in_commit'],
  checkpoint_corruption: ['reason', 'last_page', 'coverage_pct', 'action'],
  coverage_decreased: ['previous_pct', 'current_pct'],
  page_size_probed: ['page_size_requested', 'limit_echoed', 'records', 'page_size', 'clamp'],
  page_size_fallback: ['page', 'page_size', 'fallback_page_size', 'reason'],
  page_drift_detected: ['page', 'shift_pages', 'resume_page', 'matched'],
  removal_candidates: ['previous_snapshot_id', 'candidates', 'pending', 'lost_gap', 'resumed'],
  removal_confirmed: ['previous_snapshot_id', 'candidates', 'present', 'removed', 'carried_over'],
  batch_complete: [
    'pages_attempted',
    'pages_ok',
    'pages_failed',
    'systems_extracted',
    'total_systems',
    'coverage_pct',
    'last_page',
    'pass_complete',
    'duration_ms',
  ],
  target_met: ['systems_extracted', 'total_systems', 'coverage_pct', 'target_pct', 'extracted_now'],
  inventory_changes: ['previous_snapshot_id', 'added', 'removed', 'changed', 'reappeared'],
  snapshots_pruned: [
    'keep_snapshots',
    'snapshots_pruned',
    'systems_deleted',
    'raw_parts_deleted',
    'reclaimed_bytes',
    'free_bytes',
  ],
  run_deferred: ['reason', 'retry_after_s', 'message'],
  extraction_failed: ['error_type', 'error_message', 'exit_code'],
  run_complete: ['exit_code', 'outcome', 'duration_ms'],
  slack_disabled: ['reason'],
  slack_failed: ['error_message', 'http_status'],
  hook_failed: ['error_message', 'exit_code', 'timed_out'],
  hook_complete: ['exit_code', 'duration_ms'],
  retry_decision: ['page', 'attempt', 'error_type', 'delay_ms', 'reason', 'resource_id'],
} as const satisfies { readonly [K in EventType]: readonly (keyof EventMap[K])[] };

/** Fields declared in EventMap but missing from EVENT_FIELDS; must be `never`. */
type MissingFields = {
  [K in EventType]: Exclude<keyof EventMap[K], (typeof EVENT_FIELDS)[K][number]>;
}[EventType];

type AssertNever<T extends never> = T;
/**
 * Compile-time completeness check: an error here names the field to add above. Exported only so the
 * compiler does not drop it as unused.
 * @public
 */
export type EventFieldsComplete = AssertNever<MissingFields>;
