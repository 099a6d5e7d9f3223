import { Counter, Gauge, Registry } from 'prom-client';
import {
  ERROR_TYPES,
  TOKEN_REFRESH_REASONS,
  type ErrorType,
  type TokenRefreshReason,
} from '../platform/index.ts';

/**
 * One run's metrics for node_exporter's textfile collector (`--metrics-file`). A custom registry
 * with no default process metrics: the file describes the extraction, not this short-lived process.
 * Labelled series start at 0 so rate() and absent() behave from the first run on.
 */
export interface RunMetrics {
  readonly registry: Registry;
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

export function createRunMetrics(): RunMetrics {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string): Gauge => new Gauge({ name, help, registers });
  const coverage = gauge('pmp_extractor_coverage_ratio', 'Distinct systems / reported total (0..1)');
  const extracted = gauge('pmp_extractor_systems_extracted', 'Distinct systems in the snapshot');
  const total = gauge('pmp_extractor_total_systems', 'Total systems the API reports');
  const duration = gauge('pmp_extractor_run_duration_seconds', 'Wall time of the last run');
  const exitCode = gauge('pmp_extractor_exit_code', 'Exit code of the last run (D10)');
  const lastSuccessName = 'pmp_extractor_last_success_timestamp_seconds';
  const lastSuccess = new Gauge({
    name: lastSuccessName,
    help: 'Unix time of the last successful run',
    registers: [],
  });
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
  rejected.inc(0);
  pages.inc({ status: 'ok' }, 0);
  pages.inc({ status: 'gap' }, 0);
  for (const errorType of ERROR_TYPES) retries.inc({ class: errorType }, 0);
  for (const reason of TOKEN_REFRESH_REASONS) refreshes.inc({ reason }, 0);

  return {
    registry,
    setCoverageRatio: (ratio) => {
      coverage.set(ratio);
    },
    setSystems(count, reported) {
      extracted.set(count);
      if (reported !== null) total.set(reported);
    },
    pageDone: (status) => {
      pages.inc({ status });
    },
    retry: (errorType) => {
      retries.inc({ class: errorType });
    },
    tokenRefresh: (reason) => {
      refreshes.inc({ reason });
    },
    recordsRejected: (count) => {
      rejected.inc(count);
    },
    setRunDurationSeconds: (seconds) => {
      duration.set(seconds);
    },
    setLastSuccessTimestampSeconds(seconds) {
      lastSuccess.set(seconds);
      if (registry.getSingleMetric(lastSuccessName) === undefined) {
        registry.registerMetric(lastSuccess);
      }
    },
    setExitCode: (code) => {
      exitCode.set(code);
    },
    render: () => registry.metrics(),
  };
}
