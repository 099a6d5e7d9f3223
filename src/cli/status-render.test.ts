import { describe, expect, it } from 'vitest';
import { renderStatus } from './status-render.ts';
import type { StatusReport } from './status-report.ts';

function report(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    snapshot_id: 13,
    snapshot_status: 'partial',
    last_page: 40,
    total_pages: 135,
    total_systems: 3362,
    systems_extracted: 1000,
    coverage_pct: 29.7,
    target_pct: 95,
    target_met: false,
    pass_complete: false,
    updated_at: '2026-11-27T06:00:00.000Z',
    gaps: [],
    published_snapshot_id: 12,
    published_at: '2026-11-26T12:00:00.000Z',
    published_systems: 3360,
    data_age_hours: 18,
    last_run: {
      exit_code: 0,
      outcome: 'batch_complete',
      reason: null,
      finished_at: '2026-11-27T06:00:01.000Z',
    },
    ...overrides,
  };
}

describe('renderStatus (D113)', () => {
  it('shows the published snapshot apart from the pass in progress, then the last run', () => {
    expect(renderStatus(report(), '/db/acme.db')).toBe(
      [
        'PMP extraction status',
        '  database   /db/acme.db',
        '',
        'Published snapshot (what latest_system_inventory shows)',
        '  snapshot   #12, 3,360 systems',
        '  completed  2026-11-26T12:00:00.000Z (18 h ago)',
        '',
        'Pass in progress (not shown until it is published)',
        '  snapshot   #13 (partial)',
        '  pages      40 of 135',
        '  systems    1,000 of 3,362',
        '  coverage   29.7% (target 95%: not met)',
        '  updated    2026-11-27T06:00:00.000Z',
        '  gaps       0 recovered, 0 open',
        '',
        'Last run',
        '  outcome    exit 0 (batch_complete) at 2026-11-27T06:00:01.000Z',
        '',
      ].join('\n'),
    );
  });

  it('names the newest pass by what became of it', () => {
    const published = renderStatus(report({ snapshot_id: 12, snapshot_status: 'success' }), '/db');
    expect(published).toContain('Newest pass (the published one)\n  snapshot   #12 (success)');
    const failed = renderStatus(
      report({
        snapshot_status: 'failed',
        last_run: { exit_code: 2, outcome: 'partial', reason: 'inventory_shrank', finished_at: 'then' },
      }),
      '/db',
    );
    expect(failed).toContain('Newest pass (closed failed; never published)\n  snapshot   #13 (failed)');
    expect(failed).toContain('  outcome    exit 2 (partial: inventory_shrank) at then');
  });

  it('says so when nothing is published yet, and when nothing ran', () => {
    const none = renderStatus(
      report({
        published_snapshot_id: null,
        published_at: null,
        published_systems: null,
        data_age_hours: null,
      }),
      '/db',
    );
    expect(none).toContain(
      'Published snapshot (what latest_system_inventory shows)\n  snapshot   none yet\n',
    );
    expect(renderStatus(report({ snapshot_id: null }), '/db')).toBe(
      'PMP extraction status\n  database   /db\n  no extraction has run yet\n',
    );
  });
});
