/**
 * The closed set of log events (decision D8). Every line on stdout / in the log file is one of these,
 * rendered as `{timestamp, level, event_type, snapshot_id?, ...fields}`. Adding an event means adding
 * it here, to DEFAULT_LEVELS (src/observability/levels.ts), to the README's schema table and to a test.
 * Every field must also be listed in EVENT_FIELDS (event-fields.ts), the logger's allow-list; the
 * compiler reports a field missing there.
 */
import type { InventoryEventMap } from './events-inventory.ts';
import type { DeferReason, ErrorType, FailureAction, Level, TokenRefreshReason } from './vocabulary.ts';

export interface EventMap extends InventoryEventMap {
  run_start: {
    command: 'extract' | 'reset';
    db_path: string;
    batch_pages: number;
    target_pct: number;
    version: string;
  };
  batch_start: {
    start_page: number;
    batch_pages: number;
    target_pct: number;
    resumed: boolean;
    snapshot_status: string;
  };
  extraction_progress: {
    page: number;
    total_pages: number | null;
    systems_extracted: number;
    total_systems: number | null;
    progress_pct: number;
    errors_total: number;
    eta_minutes: number | null;
  };
  /** `page` 0 with `resource_id`: an attempt of a lookup by id (D85). */
  page_extraction_failed: {
    page: number;
    attempt: number;
    max_attempts: number;
    http_status: number | null;
    error_type: ErrorType;
    error_message: string;
    response_sample: string | null;
    action: FailureAction;
    delay_ms: number | null;
    resource_id?: string;
  };
  page_skipped: {
    page: number;
    error_type: ErrorType;
    attempts: number;
  };
  records_rejected: {
    page: number;
    count: number;
    reasons: string;
  };
  /** D53: ids the page repeats (`within_page`) or that an earlier page of the pass already held. */
  duplicate_records: {
    page: number;
    within_page: number;
    across_pages: number;
  };
  gap_recovered: {
    page: number;
    sweep: number;
    systems: number;
  };
  token_refresh: {
    reason: TokenRefreshReason;
    success: boolean;
    token_age_s: number | null;
    ttl_s: number | null;
    source: 'refresh_token' | 'token_command';
    error_message?: string;
  };
  token_budget: {
    used: number;
    limit: number;
    window_s: number;
  };
  checkpoint_commit: {
    last_page: number;
    systems_extracted: number;
    coverage_pct: number;
    pages_in_commit: number;
  };
  checkpoint_corruption: {
    reason: string;
    last_page: number | null;
    coverage_pct: number | null;
    action: 'reset_to_page_0' | 'reset_to_last_valid_page';
  };
  coverage_decreased: {
    previous_pct: number;
    current_pct: number;
  };
  /** D74: PMP_PAGE_SIZE=auto's probe settled the pass's request size. */
  page_size_probed: {
    page_size_requested: number;
    limit_echoed: number;
    records: number;
    page_size: number;
    /** How the server capped the request: not at all, by echoing a smaller limit, or silently. */
    clamp: 'none' | 'echoed' | 'silent';
  };
  /** D74: a big page failed or did not add up; the rest of the pass uses pages of `fallback_page_size`. */
  page_size_fallback: {
    page: number;
    page_size: number;
    fallback_page_size: number;
    reason: string;
  };
  page_drift_detected: {
    page: number;
    shift_pages: number;
    resume_page: number;
    matched: boolean;
  };
  batch_complete: {
    pages_attempted: number;
    pages_ok: number;
    pages_failed: number;
    systems_extracted: number;
    total_systems: number | null;
    coverage_pct: number;
    last_page: number;
    pass_complete: boolean;
    duration_ms: number;
  };
  target_met: {
    systems_extracted: number;
    total_systems: number;
    coverage_pct: number;
    target_pct: number;
    extracted_now: boolean;
  };
  run_deferred: {
    reason: DeferReason;
    retry_after_s: number | null;
    message: string;
  };
  extraction_failed: {
    error_type: string;
    error_message: string;
    exit_code: number;
  };
  run_complete: {
    exit_code: number;
    outcome: string;
    duration_ms: number;
  };
  slack_disabled: {
    reason: string;
  };
  slack_failed: {
    error_message: string;
    http_status: number | null;
  };
  hook_failed: {
    error_message: string;
    exit_code: number | null;
    timed_out: boolean;
  };
  hook_complete: {
    exit_code: number;
    duration_ms: number;
  };
  /** `page` 0 with `resource_id`: an attempt of a lookup by id (D85). */
  retry_decision: {
    page: number;
    attempt: number;
    error_type: ErrorType;
    delay_ms: number;
    reason: string;
    resource_id?: string;
  };
}

export type EventType = keyof EventMap;

/** The logging port every module receives. Implementations render JSON lines and redact. */
export interface EventLogger {
  emit<K extends EventType>(type: K, fields: EventMap[K], level?: Level): void;
  /** A logger whose events carry `snapshot_id`. */
  withSnapshot(snapshotId: number): EventLogger;
}
