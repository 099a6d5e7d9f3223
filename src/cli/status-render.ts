/**
 * `--status` for people (D113): the published snapshot (what every view shows) apart from the
 * newest pass (which may still be in progress), then how the last run ended.
 */
import { formatCount } from '../platform/index.ts';
import type { StatusReport } from './status-report.ts';

type Rows = [string, string][];

export function renderStatus(report: StatusReport, dbPath: string): string {
  if (report.snapshot_id === null) {
    return `PMP extraction status\n  database   ${dbPath}\n  no extraction has run yet\n`;
  }
  const lines = [
    'PMP extraction status',
    ...rowLines([['database', dbPath]]),
    '',
    'Published snapshot (what latest_system_inventory shows)',
    ...rowLines(publishedRows(report)),
    '',
    passTitle(report),
    ...rowLines(passRows(report)),
    ...gapTable(report),
    '',
    'Last run',
    ...rowLines([['outcome', lastRunText(report)]]),
  ];
  return `${lines.join('\n')}\n`;
}

function publishedRows(report: StatusReport): Rows {
  if (report.published_snapshot_id === null) return [['snapshot', 'none yet']];
  const systems = report.published_systems === null ? '?' : fmt(report.published_systems);
  return [
    ['snapshot', `#${report.published_snapshot_id}, ${systems} systems`],
    ['completed', `${report.published_at ?? '?'} (${report.data_age_hours ?? '?'} h ago)`],
  ];
}

function passTitle(report: StatusReport): string {
  if (report.snapshot_status === 'partial') return 'Pass in progress (not shown until it is published)';
  if (report.snapshot_id === report.published_snapshot_id) return 'Newest pass (the published one)';
  return `Newest pass (closed ${report.snapshot_status ?? 'unknown'}; never published)`;
}

function passRows(report: StatusReport): Rows {
  const recovered = report.gaps.filter((gap) => gap.resolved).length;
  const open = report.gaps.length - recovered;
  const total = report.total_systems === null ? '?' : fmt(report.total_systems);
  return [
    ['snapshot', `#${report.snapshot_id ?? '?'} (${report.snapshot_status ?? 'unknown'})`],
    [
      'pages',
      `${report.last_page} of ${report.total_pages ?? '?'}${report.pass_complete ? ' (pass complete)' : ''}`,
    ],
    ['systems', `${fmt(report.systems_extracted)} of ${total}`],
    [
      'coverage',
      `${report.coverage_pct.toFixed(1)}% (target ${report.target_pct}%: ${report.target_met ? 'met' : 'not met'})`,
    ],
    ['updated', report.updated_at ?? '-'],
    ['gaps', `${recovered} recovered, ${open} open`],
  ];
}

function gapTable(report: StatusReport): string[] {
  if (report.gaps.length === 0) return [];
  const lines = ['', '  page  status     error_type          attempts  sweeps'];
  for (const gap of report.gaps) {
    const status = gap.resolved ? 'recovered' : 'open';
    lines.push(
      `  ${String(gap.page).padStart(4)}  ${status.padEnd(9)}  ${gap.error_type.padEnd(18)}  ${String(gap.attempts).padStart(8)}  ${String(gap.retry_sweeps).padStart(6)}`,
    );
  }
  return lines;
}

function lastRunText(report: StatusReport): string {
  const run = report.last_run;
  if (run === null) return '-';
  const reason = run.reason === null ? '' : `: ${run.reason}`;
  return `exit ${run.exit_code} (${run.outcome}${reason}) at ${run.finished_at}`;
}

function rowLines(rows: Rows): string[] {
  return rows.map(([key, value]) => `  ${key.padEnd(10)} ${value}`);
}

function fmt(value: number): string {
  return formatCount(value);
}
