import {
  ERROR_TYPES,
  TOKEN_REFRESH_REASONS,
  type ErrorType,
  type TokenRefreshReason,
} from '../platform/index.ts';

/**
 * One run's metrics for node_exporter's textfile collector (`--metrics-file`). A custom registry
 * with no default process metrics: the file describes the extraction, not this short-lived process.
 * Labelled series start at 0 so rate() and absent() behave from the first run on. The values are kept
 * in plain fields and prom-client is loaded by render() only (D67): a run without `--metrics-file`
 * never loads it.
 */
export interface RunMetrics {
  setCoverageRatio(ratio: number): void;
  setSystems(extracted: number, total: number | null): void;
  pageDone(status: 'ok' | 'gap'): void;
  retry(errorType: ErrorType): void;
  tokenRefresh(reason: TokenRefreshReason): void;
  /** Records the API sent that could not be stored (no resource_id): systems missing for a reason. */
  recordsRejected(count: number): void;
  setRunDurationSeconds(seconds: number): void;
  /**
   * Unix seconds of the latest successful run. Exported only once set: a run that has no success
   * to report must not overwrite a dashboard's last-success time with 0.
   */
  setLastSuccessTimestampSeconds(seconds: number): void;
  setExitCode(code: number): void;
  render(): Promise<string>;
}

interface MetricValues {
  coverage?: number;
  extracted?: number;
  total?: number;
  duration?: number;
  exitCode?: number;
  lastSuccess?: number;
  pages: Record<'ok' | 'gap', number>;
  retries: Map<ErrorType, number>;
  refreshes: Map<TokenRefreshReason, number>;
  rejected: number;
}

export function createRunMetrics(): RunMetrics {
  const values: MetricValues = {
    pages: { ok: 0, gap: 0 },
    retries: new Map(ERROR_TYPES.map((type) => [type, 0])),
    refreshes: new Map(TOKEN_REFRESH_REASONS.map((reason) => [reason, 0])),
    rejected: 0,
  };
  const bump = <K>(map: Map<K, number>, key: K, by = 1): void => {
    map.set(key, (map.get(key) ?? 0) + by);
  };
  return {
    setCoverageRatio: (ratio) => {
      values.coverage = ratio;
    },
    setSystems(count, reported) {
      values.extracted = count;
      if (reported !== null) values.total = reported;
    },
    pageDone: (status) => {
      values.pages[status] += 1;
    },
    retry: (errorType) => {
      bump(values.retries, errorType);
    },
    tokenRefresh: (reason) => {
      bump(values.refreshes, reason);
    },
    recordsRejected: (count) => {
      values.rejected += count;
    },
    setRunDurationSeconds: (seconds) => {
      values.duration = seconds;
    },
    setLastSuccessTimestampSeconds(seconds) {
      values.lastSuccess = seconds;
    },
    setExitCode: (code) => {
      values.exitCode = code;
    },
    render: () => renderMetrics(values),
  };
}

/** The textfile body: the registry is built here, in the order and with the help texts of before. */
async function renderMetrics(values: MetricValues): Promise<string> {
  const { Counter, Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, value: number | undefined): void => {
    const metric = new Gauge({ name, help, registers });
    if (value !== undefined) metric.set(value);
  };
  gauge('pmp_extractor_coverage_ratio', 'Distinct systems / reported total (0..1)', values.coverage);
  gauge('pmp_extractor_systems_extracted', 'Distinct systems in the snapshot', values.extracted);
  gauge('pmp_extractor_total_systems', 'Total systems the API reports', values.total);
  gauge('pmp_extractor_run_duration_seconds', 'Wall time of the last run', values.duration);
  gauge('pmp_extractor_exit_code', 'Exit code of the last run (D10)', values.exitCode);
  const pages = new Counter({
    name: 'pmp_extractor_pages_total',
    help: 'Pages finished in this run, by outcome',
    labelNames: ['status'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'pmp_extractor_retries_total',
    help: 'Failed page attempts in this run, by error class (D4)',
    labelNames: ['class'] as const,
    registers,
  });
  const refreshes = new Counter({
    name: 'pmp_extractor_token_refreshes_total',
    help: 'Access-token refreshes in this run, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'pmp_extractor_records_rejected_total',
    help: 'Records in this run that could not be stored (no resource_id)',
    registers,
  });
  rejected.inc(values.rejected);
  pages.inc({ status: 'ok' }, values.pages.ok);
  pages.inc({ status: 'gap' }, values.pages.gap);
  for (const [errorType, count] of values.retries) retries.inc({ class: errorType }, count);
  for (const [reason, count] of values.refreshes) refreshes.inc({ reason }, count);
  // Exported only once set: a run with no success must not overwrite a dashboard's last success with 0.
  if (values.lastSuccess !== undefined) {
    gauge(
      'pmp_extractor_last_success_timestamp_seconds',
      'Unix time of the last successful run',
      values.lastSuccess,
    );
  }
  return registry.metrics();
}
