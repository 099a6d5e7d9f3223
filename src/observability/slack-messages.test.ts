import { describe, expect, it } from 'vitest';
import {
  batchCompleteText,
  describeFailure,
  milestoneText,
  pageFailedText,
  progressBlockText,
  runStartedText,
  targetMetText,
} from './slack-messages.ts';

const BLOCK = {
  page: 50,
  totalPages: 135,
  systems: 1250,
  totalSystems: 3362,
  coveragePct: 37.2,
  errorPages: [15, 23],
  etaMinutes: 12,
};

describe('D9 message texts', () => {
  it('formats the start, batch, target and failure lines exactly', () => {
    expect(runStartedText(3362, 95)).toBe('🔄 PMP extraction started (target: 3,362 systems)');
    expect(runStartedText(null, 95)).toBe('🔄 PMP extraction started (target: 95% coverage)');
    expect(batchCompleteText(1250, 37.18)).toBe(
      '✅ Batch complete: 1,250 systems extracted (37% total coverage)',
    );
    expect(targetMetText(3250, 3362, 96.67)).toBe('🎉 Extraction complete: 3,250/3,362 systems (96.7%)');
    expect(
      targetMetText(3250, 3362, 96.67, {
        previousSnapshotId: 11,
        added: 1200,
        removed: 3,
        changed: 41,
        reappeared: 1,
      }),
    ).toBe(
      '🎉 Extraction complete: 3,250/3,362 systems (96.7%)\n' +
        '- Changes since snapshot 11: 1,200 added, 3 removed, 41 changed, 1 reappeared',
    );
    expect(
      targetMetText(10, 10, 100, {
        previousSnapshotId: null,
        added: 0,
        removed: 0,
        changed: 0,
        reappeared: 0,
      }),
    ).toBe(
      '🎉 Extraction complete: 10/10 systems (100.0%)\n- Changes: first published snapshot, nothing to compare',
    );
    expect(pageFailedText(51, 3, '5xx_server_error', 503)).toBe(
      '⚠️ Page 51 failed after 3 attempts (503 Server Error)',
    );
    expect(pageFailedText(7, 1, 'unknown_error', 404)).toBe(
      '⚠️ Page 7 failed after 1 attempt (404 Client Error)',
    );
  });

  it('renders the progress block of D9', () => {
    expect(progressBlockText(BLOCK)).toBe(
      [
        '*PMP Extraction Progress*',
        '- Page: 50/135',
        '- Systems: 1,250/3,362 (37%)',
        '- Errors: 2 (pages 15, 23)',
        '- ETA: 12 minutes',
      ].join('\n'),
    );
  });

  it('renders unknown totals, no errors, a 1-minute and an unknown ETA', () => {
    const block = { ...BLOCK, totalPages: null, totalSystems: null, errorPages: [], etaMinutes: 0.2 };
    expect(progressBlockText(block)).toBe(
      [
        '*PMP Extraction Progress*',
        '- Page: 50',
        '- Systems: 1,250 (37%)',
        '- Errors: 0',
        '- ETA: 1 minute',
      ].join('\n'),
    );
    expect(progressBlockText({ ...block, etaMinutes: null })).toContain('- ETA: unknown');
    expect(progressBlockText({ ...block, errorPages: [65] })).toContain('- Errors: 1 (page 65)');
  });

  it('heads a milestone with the percentage crossed', () => {
    expect(milestoneText(50, BLOCK).split('\n')[0]).toBe('📊 PMP extraction passed 50% coverage');
  });

  it('never rounds a whole percent up past what was extracted', () => {
    expect(batchCompleteText(1, 99.96)).toContain('(99% total coverage)');
    expect(batchCompleteText(1, 28.999999999999996)).toContain('(29% total coverage)');
  });

  it.each([
    ['5xx_server_error', null, 'Server Error'],
    ['429_rate_limit', 429, '429 Rate Limited'],
    ['rate_limit_deferred', 429, '429 Rate Limit, deferred'],
    ['throttled', 200, '200 Throttled'],
    ['401_unauthorized', 401, '401 Unauthorized'],
    ['403_forbidden', 403, '403 Forbidden'],
    ['network_timeout', null, 'Network Timeout'],
    ['json_parse_error', 200, '200 Invalid JSON'],
    ['unknown_error', null, 'Unknown Error'],
  ] as const)('describes %s / %s as "%s"', (errorType, status, text) => {
    expect(describeFailure(errorType, status)).toBe(text);
  });
});
