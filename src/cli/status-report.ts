/**
 * `--status` (D8, D18): reads the database only — no network, no credentials. buildStatus gathers
 * the fields D8 names; renderStatus prints them for humans; `--json` prints the object as is.
 */
import type { Store } from '../store/index.ts';

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
}

export function buildStatus(store: Store | null, targetPct: number): StatusReport {
  const snapshot = store?.currentSnapshot() ?? null;
  const checkpoint = snapshot === null ? null : (store?.getCheckpoint(snapshot.snapshot_id) ?? null);
  const gaps = snapshot === null || store === null ? [] : store.listGaps(snapshot.snapshot_id);
  const coveragePct = checkpoint?.coverage_pct ?? 0;
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
  };
}

export function renderStatus(report: StatusReport, dbPath: string): string {
  if (report.snapshot_id === null) {
    return `PMP extraction status\n  database   ${dbPath}\n  no extraction has run yet\n`;
  }
  const recovered = report.gaps.filter((gap) => gap.resolved);
  const lost = report.gaps.filter((gap) => !gap.resolved);
  const rows: [string, string][] = [
    ['database', dbPath],
    ['snapshot', `#${report.snapshot_id} (${report.snapshot_status ?? 'unknown'})`],
    [
      'pages',
      `${report.last_page} of ${report.total_pages ?? '?'}${report.pass_complete ? ' (pass complete)' : ''}`,
    ],
    [
      'systems',
      `${fmt(report.systems_extracted)} of ${report.total_systems === null ? '?' : fmt(report.total_systems)}`,
    ],
    [
      'coverage',
      `${report.coverage_pct.toFixed(1)}% (target ${report.target_pct}%: ${report.target_met ? 'met' : 'not met'})`,
    ],
    ['updated', report.updated_at ?? '-'],
    ['gaps', `${recovered.length} recovered, ${lost.length} open`],
  ];
  const lines = ['PMP extraction status', ...rows.map(([key, value]) => `  ${key.padEnd(10)} ${value}`)];
  if (report.gaps.length > 0) {
    lines.push('', '  page  status     error_type          attempts  sweeps');
    for (const gap of report.gaps) {
      const status = gap.resolved ? 'recovered' : 'open';
      lines.push(
        `  ${String(gap.page).padStart(4)}  ${status.padEnd(9)}  ${gap.error_type.padEnd(18)}  ${String(gap.attempts).padStart(8)}  ${String(gap.retry_sweeps).padStart(6)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function fmt(value: number): string {
  return value.toLocaleString('en-US');
}
