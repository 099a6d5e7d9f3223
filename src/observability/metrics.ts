import type { Gauge } from 'prom-client';
import { ERROR_TYPES, type ErrorType } from '../platform/index.ts';

/**
 * The Prometheus textfile (`--metrics-file`) for node_exporter, following its conventions for batch
 * jobs (D42): gauges only, every series labelled with the account (D41) so that several accounts can
 * share one textfile folder, state read from the database on every run whatever its outcome, and a
 * series left out rather than written as 0 when its value is unknown.
 */

/** What the database says, read at the end of every run (null parts are left out of the file). */
export interface StoredMetrics {
  /**
   * The published inventory: the newest `success` snapshot, and the rows of latest_system_changes by
   * type (D112; null when the file has no system_changes table yet).
   */
  published: {
    snapshotId: number;
    completedAtMs: number;
    systems: number;
    coveragePct: number;
    changes: Readonly<Record<'added' | 'removed' | 'changed' | 'reappeared', number>> | null;
  } | null;
  /** The pass in progress (a `partial` snapshot); null when none is open. */
  pass: { snapshotId: number; page: number; totalPages: number | null; systems: number } | null;
  /** Gap pages of the newest snapshot; null when there is no snapshot yet. */
  gaps: { open: number; recovered: number } | null;
}

/** What this run did: always known, since a run that fetched nothing did fetch 0 pages. */
export interface LastRunMetrics {
  exitCode: number;
  /** `run_complete`'s outcome (target_met, batch_complete, partial, deferred, failed...). */
  outcome: string;
  durationMs: number;
  finishedAtMs: number;
  pagesOk: number;
  pagesFailed: number;
  /** Token requests this process made (successful or not). */
  tokenRequests: number;
}

export interface MetricsView {
  account: string;
  version: string;
  nowMs: number;
  lastRun: LastRunMetrics;
  /** null when the database could not be read (it does not exist yet, or the path is invalid). */
  stored: StoredMetrics | null;
}

/** Counts what only the run sees as it happens; `render` adds the rest. */
export interface RunMetrics {
  retry(errorType: ErrorType): void;
  /** Records the API sent that could not be stored (no resource_id). */
  recordsRejected(count: number): void;
  render(view: MetricsView): Promise<string>;
}

const P = 'pmp_extractor_';

export function createRunMetrics(): RunMetrics {
  const retries = new Map<ErrorType, number>(ERROR_TYPES.map((type) => [type, 0]));
  let rejected = 0;
  return {
    retry: (errorType) => {
      retries.set(errorType, (retries.get(errorType) ?? 0) + 1);
    },
    recordsRejected: (count) => {
      rejected += count;
    },
    render: (view) => renderMetrics(view, retries, rejected),
  };
}

/** prom-client is loaded here only (D67): a run without `--metrics-file` never loads it. */
async function renderMetrics(
  view: MetricsView,
  retries: ReadonlyMap<ErrorType, number>,
  rejected: number,
): Promise<string> {
  const { Gauge: GaugeClass, Registry } = await import('prom-client');
  const registry = new Registry();
  registry.setDefaultLabels({ account: view.account });
  const set = (name: string, help: string, value: number, labels: Record<string, string> = {}): void => {
    const existing = registry.getSingleMetric(P + name) as Gauge | undefined;
    const gauge =
      existing ??
      new GaugeClass({ name: P + name, help, labelNames: Object.keys(labels), registers: [registry] });
    gauge.set(labels, value);
  };
  set('build_info', 'Always 1; the version label says which extractor wrote this file', 1, {
    version: view.version,
  });
  const run = view.lastRun;
  set(
    'last_run_exit_code',
    'Exit code of the last run: 0 ok, 1 fatal, 2 below target, 3 deferred',
    run.exitCode,
  );
  set('last_run_outcome', 'Always 1; the outcome label says how the last run ended', 1, {
    outcome: run.outcome,
  });
  set(
    'last_run_timestamp_seconds',
    'When the last run ended (Unix time)',
    Math.floor(run.finishedAtMs / 1000),
  );
  set('last_run_duration_seconds', 'Wall time of the last run', run.durationMs / 1000);
  set('last_run_pages', 'Pages the last run finished, by outcome (failed = kept as a gap)', run.pagesOk, {
    outcome: 'ok',
  });
  set('last_run_pages', '', run.pagesFailed, { outcome: 'failed' });
  for (const [errorType, count] of retries) {
    set('last_run_retries', 'Failed page attempts in the last run, by error class', count, {
      class: errorType,
    });
  }
  set('last_run_token_requests', 'Access-token requests the last run made', run.tokenRequests);
  set('last_run_records_rejected', 'Records in the last run that had no resource_id', rejected);
  if (view.stored !== null) renderStored(view.stored, view.nowMs, set);
  return registry.metrics();
}

function renderStored(
  stored: StoredMetrics,
  nowMs: number,
  set: (name: string, help: string, value: number, labels?: Record<string, string>) => void,
): void {
  const { published, pass, gaps } = stored;
  if (published !== null) {
    const completedS = Math.floor(published.completedAtMs / 1000);
    set(
      'published_snapshot_id',
      'Snapshot that latest_system_inventory currently shows',
      published.snapshotId,
    );
    set(
      'published_completed_timestamp_seconds',
      'When the published snapshot was completed (Unix time)',
      completedS,
    );
    set(
      'last_success_timestamp_seconds',
      'When the last successful pass completed (Unix time); drives freshness alerts',
      completedS,
    );
    set(
      'published_age_seconds',
      'Age of the published inventory; alert when it exceeds your refresh interval',
      Math.max(0, (nowMs - published.completedAtMs) / 1000),
    );
    set('published_systems', 'Systems in the published inventory', published.systems);
    set(
      'published_coverage_ratio',
      'Share of the reported fleet in the published inventory (0..1)',
      Math.round(published.coveragePct * 10) / 1000,
    );
    let help = 'Changes the published snapshot brought against the one before it, by type';
    for (const [type, count] of Object.entries(published.changes ?? {})) {
      set('published_changes', help, count, { change_type: type });
      help = '';
    }
  }
  if (pass !== null) {
    set('pass_snapshot_id', 'Snapshot of the pass in progress (not yet published)', pass.snapshotId);
    set('pass_page', 'Last page the pass in progress has finished', pass.page);
    if (pass.totalPages !== null) set('pass_total_pages', 'Pages in the pass in progress', pass.totalPages);
    set('pass_systems', 'Systems stored so far by the pass in progress', pass.systems);
  }
  if (gaps !== null) {
    set('gaps', 'Gap pages of the newest snapshot: open (still missing) or recovered by a sweep', gaps.open, {
      state: 'open',
    });
    set('gaps', '', gaps.recovered, { state: 'recovered' });
  }
}
