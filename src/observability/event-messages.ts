import type { EventMap, EventType } from '../platform/index.ts';

/**
 * The `msg` of each event: one short sentence for people reading the log through `pino-pretty` or
 * `jq -r .msg`. Built only from the event's own allow-listed fields (already scrubbed by the
 * logger), so it can carry nothing the fields do not. Machines should read the fields, not `msg`.
 */
type Describe = { readonly [K in EventType]: (fields: EventMap[K]) => string };

const DESCRIBE: Describe = {
  run_start: (f) => `${f.command} run started (version ${f.version}, database ${f.db_path})`,
  batch_start: (f) =>
    `batch of up to ${f.batch_pages} pages from page ${f.start_page}${f.resumed ? ' (resumed)' : ''}`,
  extraction_progress: (f) =>
    `page ${f.page}${outOf(f.total_pages)} done: ${f.systems_extracted} systems, ${pct(f.progress_pct)}`,
  page_extraction_failed: (f) =>
    `${where(f)} attempt ${f.attempt}/${f.max_attempts} failed (${f.error_type}): ${f.error_message}; ${actionText(f.action)}`,
  page_skipped: (f) =>
    `page ${f.page} skipped after ${f.attempts} attempts (${f.error_type}); recorded as a gap`,
  records_rejected: (f) => `${f.count} records on page ${f.page} rejected: ${f.reasons}`,
  duplicate_records: (f) =>
    `page ${f.page} repeats ${f.within_page} ids of its own and ${f.across_pages} of earlier pages`,
  gap_recovered: (f) => `gap page ${f.page} recovered in sweep ${f.sweep}: ${f.systems} systems`,
  token_refresh: (f) =>
    f.success
      ? `access token obtained (${f.reason}${f.ttl_s === null ? '' : `, valid ${f.ttl_s} s`})`
      : `access token request failed (${f.reason}): ${f.error_message ?? 'no detail'}`,
  token_budget: (f) => `token budget: ${f.used} of ${f.limit} per ${f.window_s} s used`,
  checkpoint_commit: (f) =>
    `committed through page ${f.last_page}: ${f.systems_extracted} systems, coverage ${pct(f.coverage_pct)}`,
  checkpoint_corruption: (f) => `invalid checkpoint (${f.reason}): ${f.action.replaceAll('_', ' ')}`,
  coverage_decreased: (f) => `coverage fell from ${pct(f.previous_pct)} to ${pct(f.current_pct)}`,
  page_size_probed: (f) =>
    f.clamp === 'none'
      ? `the server honours pagelimit=${f.page_size}`
      : `pagelimit=${f.page_size_requested} is capped at ${f.page_size} (${f.clamp === 'silent' ? `${f.records} records, limit ${f.limit_echoed} echoed` : `limit ${f.limit_echoed} echoed`}); using ${f.page_size}`,
  page_size_fallback: (f) =>
    `pages of ${f.page_size} failed (${f.reason}); pages of ${f.fallback_page_size} for the rest of this pass`,
  page_drift_detected: (f) =>
    `page ${f.page} moved by ${f.shift_pages} pages since the last run; resuming at page ${f.resume_page}`,
  removal_candidates: (f) =>
    `${f.candidates} systems of snapshot ${f.previous_snapshot_id} not returned by this pass, ${f.pending} to look up by id` +
    `${f.lost_gap > 0 ? ` (${f.lost_gap} more on lost pages: unknown)` : ''}${f.resumed ? ' (resumed)' : ''}`,
  removal_confirmed: (f) =>
    `removals confirmed: ${f.present} of ${f.candidates} still there (stored), ${f.removed} removed, ${f.carried_over} unknown (carried over)`,
  batch_complete: (f) =>
    `batch complete: ${f.pages_ok} pages ok, ${f.pages_failed} failed, ${f.systems_extracted}${outOf(f.total_systems)} systems, coverage ${pct(f.coverage_pct)}`,
  target_met: (f) =>
    `target met: coverage ${pct(f.coverage_pct)} of ${f.total_systems} systems (target ${pct(f.target_pct)})`,
  inventory_changes: (f) =>
    f.previous_snapshot_id === null
      ? 'first published snapshot: nothing to compare with'
      : `since snapshot ${f.previous_snapshot_id}: ${f.added} added, ${f.removed} removed, ${f.changed} changed, ${f.reappeared} reappeared`,
  snapshots_pruned: (f) =>
    `kept the systems of the newest ${f.keep_snapshots} published snapshots; deleted ${f.systems_deleted} ` +
    `systems of ${f.snapshots_pruned} older ones, ${mib(f.reclaimed_bytes)} returned to the file system`,
  run_deferred: (f) => `run deferred (${f.reason.replaceAll('_', ' ')}): ${f.message}`,
  extraction_failed: (f) => `run failed (${f.error_type}, exit ${f.exit_code}): ${f.error_message}`,
  run_complete: (f) => `run finished: ${f.outcome}, exit ${f.exit_code}, ${seconds(f.duration_ms)}`,
  slack_disabled: (f) => `Slack notifications disabled: ${f.reason}`,
  slack_failed: (f) => `Slack message not delivered: ${f.error_message}`,
  hook_failed: (f) => `post-extraction hook failed${f.timed_out ? ' (timed out)' : ''}: ${f.error_message}`,
  hook_complete: (f) => `post-extraction hook exited ${f.exit_code} after ${seconds(f.duration_ms)}`,
  retry_decision: (f) =>
    `${where(f)} attempt ${f.attempt} (${f.error_type}): ${f.reason}, waiting ${f.delay_ms} ms`,
};

export function describeEvent<K extends EventType>(type: K, fields: EventMap[K]): string {
  const describe = DESCRIBE[type] as (fields: EventMap[K]) => string;
  return describe(fields);
}

function actionText(action: EventMap['page_extraction_failed']['action']): string {
  switch (action) {
    case 'retry':
      return 'retrying';
    case 'refresh_token':
      return 'refreshing the token';
    case 'skip_page':
      return 'skipping the page';
    case 'defer_run':
      return 'deferring the run';
    case 'abort':
      return 'aborting the run';
  }
}

/** A page, or the system a lookup by id asked for (D85). */
function where(fields: { page: number; resource_id?: string }): string {
  return fields.resource_id === undefined ? `page ${fields.page}` : `lookup of system ${fields.resource_id}`;
}

function outOf(total: number | null): string {
  return total === null ? '' : `/${total}`;
}

function pct(value: number): string {
  return `${value.toFixed(1)}%`;
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

function seconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}
