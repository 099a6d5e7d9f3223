/**
 * `--status --check`: one line and a monitoring-plugins exit code (0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN) from the database alone. The thresholds are decision D46's:
 * - CRITICAL: nothing published yet, published data older than H hours, or the last run exited 1;
 * - WARNING: published data older than H/2, the last run exited 2, or the current pass reached its
 *   end with open gaps and coverage below target;
 * - OK otherwise. A missing or unreadable database is UNKNOWN (decided by the caller).
 */
import type { PublishedSnapshot } from '../store/index.ts';
import { EXIT } from './exit-codes.ts';
import type { StatusReport } from './status-report.ts';

/** H when PMP_REFRESH_HOURS is 0 (no refresh interval), hours: two days of missed runs. */
const NO_REFRESH_MAX_AGE_HOURS = 48;

/**
 * Default H (D46, D113): twice the refresh interval, so one refresh that is late or failed warns
 * (age past H/2 = one interval) and only a second missed one is critical; 48 h without one.
 */
export function defaultMaxAgeHours(refreshHours: number): number {
  return refreshHours > 0 ? 2 * refreshHours : NO_REFRESH_MAX_AGE_HOURS;
}

export const HEALTH = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

export type HealthCode = (typeof HEALTH)[keyof typeof HEALTH];

const LABELS: Record<HealthCode, string> = {
  0: 'OK',
  1: 'WARNING',
  2: 'CRITICAL',
  3: 'UNKNOWN',
};

export interface HealthResult {
  code: HealthCode;
  /** The one line for the monitor, without a trailing newline. */
  line: string;
}

export function healthLine(code: HealthCode, text: string, perfdata = ''): HealthResult {
  // Monitors read the first line only: any newline in a message would cut it.
  const oneLine = text.replace(/\s+/g, ' ');
  return {
    code,
    line: `PMP_EXTRACTOR ${LABELS[code]} - ${oneLine}${perfdata === '' ? '' : ` | ${perfdata}`}`,
  };
}

export function evaluateHealth(
  report: StatusReport,
  published: PublishedSnapshot | null,
  maxAgeHours: number,
): HealthResult {
  const critical: string[] = [];
  const warning: string[] = [];
  const age = report.data_age_hours;
  if (published === null || age === null) critical.push('no published snapshot yet');
  else if (age > maxAgeHours) critical.push(`published data older than ${maxAgeHours} h`);
  else if (age > maxAgeHours / 2) warning.push(`published data older than ${maxAgeHours / 2} h`);
  const last = report.last_run;
  const why = last?.reason === null || last?.reason === undefined ? '' : ` (${last.reason})`;
  if (last?.exit_code === EXIT.fatal) critical.push(`last run failed with exit 1${why}`);
  if (last?.exit_code === EXIT.partial) warning.push(`last run ended below target with exit 2${why}`);
  const open = report.gaps.filter((gap) => !gap.resolved).length;
  if (report.pass_complete && open > 0 && report.coverage_pct < report.target_pct) {
    warning.push(
      `${open} open gap(s), coverage ${report.coverage_pct}% below the ${report.target_pct}% target`,
    );
  }
  const code = critical.length > 0 ? HEALTH.critical : warning.length > 0 ? HEALTH.warning : HEALTH.ok;
  const summary =
    published === null || age === null
      ? []
      : [`published snapshot ${published.snapshot_id}, ${published.systems_extracted} systems, ${age} h old`];
  const perf = [
    ...(age === null ? [] : [`age_hours=${age};${maxAgeHours / 2};${maxAgeHours}`]),
    ...(published === null ? [] : [`systems=${published.systems_extracted}`]),
    `open_gaps=${open}`,
    ...(last === null ? [] : [`last_exit_code=${last.exit_code}`]),
  ];
  return healthLine(code, [...critical, ...warning, ...summary].join('; '), perf.join(' '));
}
