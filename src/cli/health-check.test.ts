import { describe, expect, it } from 'vitest';
import { defaultMaxAgeHours, evaluateHealth, HEALTH } from './health-check.ts';
import type { StatusReport } from './status-report.ts';

const PUBLISHED = { snapshot_id: 12, completed_at_ms: 0, systems_extracted: 3362, coverage_pct: 100 };

function report(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    snapshot_id: 12,
    snapshot_status: 'success',
    last_page: 135,
    total_pages: 135,
    total_systems: 3362,
    systems_extracted: 3362,
    coverage_pct: 100,
    target_pct: 95,
    target_met: true,
    pass_complete: true,
    updated_at: null,
    gaps: [],
    published_snapshot_id: 12,
    published_at: null,
    published_systems: 3362,
    data_age_hours: 2.1,
    last_run: { exit_code: 0, outcome: 'target_met', reason: null, finished_at: '' },
    ...overrides,
  };
}

const gap = {
  page: 7,
  error_type: 'timeout',
  attempts: 3,
  resolved: false,
  retry_sweeps: 1,
  error_message: null,
};

describe('evaluateHealth', () => {
  it('OK with the published snapshot, its systems and age, and perfdata', () => {
    expect(evaluateHealth(report(), PUBLISHED, 48)).toEqual({
      code: HEALTH.ok,
      line:
        'PMP_EXTRACTOR OK - published snapshot 12, 3362 systems, 2.1 h old | ' +
        'age_hours=2.1;24;48 systems=3362 open_gaps=0 last_exit_code=0',
    });
  });

  it('WARNING past half the age limit, after exit 2, or for a finished pass below target with open gaps', () => {
    expect(evaluateHealth(report({ data_age_hours: 25 }), PUBLISHED, 48).code).toBe(HEALTH.warning);
    const partial = evaluateHealth(
      report({ last_run: { exit_code: 2, outcome: 'partial', reason: 'below_target', finished_at: '' } }),
      PUBLISHED,
      48,
    );
    expect(partial.code).toBe(HEALTH.warning);
    expect(partial.line).toContain('last run ended below target with exit 2 (below_target)');
    const gaps = evaluateHealth(report({ gaps: [gap], coverage_pct: 90 }), PUBLISHED, 48);
    expect(gaps.code).toBe(HEALTH.warning);
    expect(gaps.line).toContain('1 open gap(s), coverage 90% below the 95% target');
  });

  it('open gaps of a pass still paging, or above target, are not a warning', () => {
    expect(
      evaluateHealth(report({ gaps: [gap], pass_complete: false, coverage_pct: 50 }), PUBLISHED, 48).code,
    ).toBe(HEALTH.ok);
    expect(evaluateHealth(report({ gaps: [gap], coverage_pct: 97 }), PUBLISHED, 48).code).toBe(HEALTH.ok);
  });

  it('CRITICAL with nothing published, past the age limit, or after exit 1; a deferral (3) is fine', () => {
    const none = evaluateHealth(report({ data_age_hours: null }), null, 48);
    expect(none).toEqual({
      code: HEALTH.critical,
      line: 'PMP_EXTRACTOR CRITICAL - no published snapshot yet | open_gaps=0 last_exit_code=0',
    });
    expect(evaluateHealth(report({ data_age_hours: 49 }), PUBLISHED, 48).code).toBe(HEALTH.critical);
    const failed = { exit_code: 1, outcome: 'failed', reason: 'credentials_rejected', finished_at: '' };
    expect(evaluateHealth(report({ last_run: failed }), PUBLISHED, 48).line).toMatch(
      /^PMP_EXTRACTOR CRITICAL - last run failed with exit 1 \(credentials_rejected\)/,
    );
    const deferred = { exit_code: 3, outcome: 'deferred', reason: 'lock_held', finished_at: '' };
    expect(evaluateHealth(report({ last_run: deferred }), PUBLISHED, 48).code).toBe(HEALTH.ok);
  });
});

describe('defaultMaxAgeHours (D113)', () => {
  it('is twice the refresh interval, and 48 h when refreshing is off', () => {
    expect(defaultMaxAgeHours(24)).toBe(48);
    expect(defaultMaxAgeHours(6)).toBe(12);
    expect(defaultMaxAgeHours(0.5)).toBe(1);
    expect(defaultMaxAgeHours(0)).toBe(48);
  });
});
