import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { EVENT_FIELDS } from './event-fields.ts';
import { describeEvent } from './event-messages.ts';
import { DEFAULT_LEVELS } from './levels.ts';
import type { EventMap, EventType, LogLevel } from '../platform/index.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';

function setup(level: LogLevel = 'debug', secrets = new SecretRegistry()) {
  const chunks: string[] = [];
  const clock = new FakeClock(Date.UTC(2025, 10, 26, 17, 30, 0, 123));
  const logger = createEventLogger({
    destination: { write: (line: string) => chunks.push(line) },
    clock,
    level,
    secrets,
  });
  const lines = (): Record<string, unknown>[] =>
    chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>);
  return { chunks, clock, logger, lines, secrets };
}

/** One documented example per event: the type forces every event and field to be listed. */
const SAMPLES: { [K in EventType]: EventMap[K] } = {
  run_start: { command: 'extract', db_path: '/db', batch_pages: 50, target_pct: 95, version: '0.1.0' },
  batch_start: {
    start_page: 51,
    batch_pages: 50,
    target_pct: 95,
    resumed: true,
    snapshot_status: 'partial',
  },
  extraction_progress: {
    page: 50,
    total_pages: 135,
    systems_extracted: 1250,
    total_systems: 3362,
    progress_pct: 37.2,
    errors_total: 2,
    eta_minutes: 12,
  },
  // A lookup by id (D85): page 0 and the optional resource_id, so every allow-listed field is shown.
  page_extraction_failed: {
    page: 0,
    resource_id: '52549000000186017',
    attempt: 3,
    max_attempts: 3,
    http_status: 503,
    error_type: '5xx_server_error',
    error_message: 'Service Unavailable',
    response_sample: '<html><body>503 Service Temporarily Unavailable</body></html>',
    action: 'skip_page',
    delay_ms: null,
  },
  page_skipped: { page: 51, error_type: '5xx_server_error', attempts: 3 },
  records_rejected: { page: 12, count: 2, reasons: 'missing resource_id' },
  gap_recovered: { page: 78, sweep: 1, systems: 25 },
  token_refresh: {
    reason: 'proactive',
    success: false,
    token_age_s: 2880,
    ttl_s: 3600,
    source: 'refresh_token',
    error_message: 'invalid_client',
  },
  token_budget: { used: 3, limit: 10, window_s: 600 },
  checkpoint_commit: { last_page: 50, systems_extracted: 1250, coverage_pct: 37.2, pages_in_commit: 10 },
  checkpoint_corruption: {
    reason: 'page beyond last page',
    last_page: 900,
    coverage_pct: null,
    action: 'reset_to_page_0',
  },
  coverage_decreased: { previous_pct: 74.1, current_pct: 73.9 },
  page_size_probed: {
    page_size_requested: 1000,
    limit_echoed: 1000,
    records: 25,
    page_size: 25,
    clamp: 'silent',
  },
  page_size_fallback: {
    page: 41,
    page_size: 1000,
    fallback_page_size: 25,
    reason: 'pagelimit=1000 on page 2: network_timeout',
  },
  page_drift_detected: { page: 50, shift_pages: 1, resume_page: 49, matched: true },
  duplicate_records: { page: 7, within_page: 1, across_pages: 2 },
  removal_candidates: { previous_snapshot_id: 3, candidates: 5, pending: 5, lost_gap: 25, resumed: false },
  removal_confirmed: { previous_snapshot_id: 3, candidates: 5, present: 3, removed: 1, carried_over: 1 },
  batch_complete: {
    pages_attempted: 50,
    pages_ok: 48,
    pages_failed: 2,
    systems_extracted: 1250,
    total_systems: 3362,
    coverage_pct: 37.2,
    last_page: 50,
    pass_complete: false,
    duration_ms: 61_000,
  },
  target_met: {
    systems_extracted: 3250,
    total_systems: 3362,
    coverage_pct: 96.7,
    target_pct: 95,
    extracted_now: true,
  },
  inventory_changes: { previous_snapshot_id: 3, added: 2, removed: 1, changed: 5, reappeared: 0 },
  snapshots_pruned: {
    keep_snapshots: 7,
    snapshots_pruned: 1,
    systems_deleted: 3362,
    raw_parts_deleted: 135,
    reclaimed_bytes: 4_325_376,
    free_bytes: 0,
  },
  run_deferred: { reason: 'rate_limited', retry_after_s: 900, message: 'Retry-After above limit' },
  extraction_failed: { error_type: 'auth_aborted', error_message: '3 consecutive 401s', exit_code: 1 },
  run_complete: { exit_code: 0, outcome: 'completed', duration_ms: 61_000 },
  slack_disabled: { reason: 'webhook answered HTTP 404' },
  slack_failed: { error_message: 'webhook answered HTTP 500', http_status: 500 },
  hook_failed: { error_message: 'hook exited with 2', exit_code: 2, timed_out: false },
  hook_complete: { exit_code: 0, duration_ms: 1200 },
  retry_decision: {
    page: 0,
    resource_id: '52549000000186017',
    attempt: 1,
    error_type: '5xx_server_error',
    delay_ms: 1000,
    reason: 'backoff',
  },
};

describe('createEventLogger', () => {
  it.each(Object.keys(SAMPLES) as EventType[])('renders %s with its documented fields', (type) => {
    const { logger, lines } = setup();
    const fields = SAMPLES[type];
    logger.emit(type, fields);
    const [line] = lines();
    expect(line).toEqual({
      level: DEFAULT_LEVELS[type],
      timestamp: '2025-11-26T17:30:00.123Z',
      event_type: type,
      ...fields,
      msg: describeEvent(type, fields),
    });
    expect([...EVENT_FIELDS[type]].sort()).toEqual(Object.keys(fields).sort());
  });

  it('writes exactly one JSON object per line and nothing else (no pid, hostname, time), msg last', () => {
    const { logger, chunks } = setup();
    logger.emit('run_complete', SAMPLES.run_complete);
    logger.emit('gap_recovered', SAMPLES.gap_recovered);
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) {
      expect(chunk.endsWith('\n')).toBe(true);
      expect(chunk.slice(0, -1)).not.toContain('\n');
      const parsed = JSON.parse(chunk) as Record<string, unknown>;
      for (const noise of ['pid', 'hostname', 'time']) expect(parsed).not.toHaveProperty(noise);
      expect(Object.keys(parsed).at(-1)).toBe('msg');
      expect(parsed['msg']).toMatch(/^\S.{10,}$/);
    }
  });

  it('stamps UTC ISO time with milliseconds and Z from the injected clock', () => {
    const { logger, lines, clock } = setup();
    clock.advance(1_000);
    logger.emit('token_budget', SAMPLES.token_budget);
    expect(lines()[0]?.['timestamp']).toBe('2025-11-26T17:30:01.123Z');
  });

  it('uses upper-case level names and honours an explicit level', () => {
    const { logger, lines } = setup();
    logger.emit('page_extraction_failed', SAMPLES.page_extraction_failed, 'ERROR');
    logger.emit('token_refresh', SAMPLES.token_refresh, 'CRITICAL');
    logger.emit('retry_decision', SAMPLES.retry_decision);
    expect(lines().map((line) => line['level'])).toEqual(['ERROR', 'CRITICAL', 'DEBUG']);
  });

  it('binds snapshot_id through withSnapshot, right after event_type', () => {
    const { logger, chunks, lines } = setup();
    logger.withSnapshot(7).emit('extraction_progress', SAMPLES.extraction_progress);
    logger.emit('run_complete', SAMPLES.run_complete);
    logger.withSnapshot(7).withSnapshot(8).emit('gap_recovered', SAMPLES.gap_recovered);
    expect(lines().map((line) => line['snapshot_id'])).toEqual([7, undefined, 8]);
    expect(chunks[0]).toContain('"event_type":"extraction_progress","snapshot_id":7,"page":50');
  });

  it('writes the account on every line, after event_type and before snapshot_id (D41)', () => {
    const chunks: string[] = [];
    const logger = createEventLogger({
      destination: { write: (line: string) => chunks.push(line) },
      clock: new FakeClock(0),
      level: 'debug',
      secrets: new SecretRegistry(),
      account: 'client-a',
    });
    logger.withSnapshot(7).emit('extraction_progress', SAMPLES.extraction_progress);
    logger.emit('run_complete', SAMPLES.run_complete);
    expect(chunks[0]).toContain('"event_type":"extraction_progress","account":"client-a","snapshot_id":7');
    expect(chunks[1]).toContain('"event_type":"run_complete","account":"client-a",');
  });

  it('drops events below the configured level', () => {
    const { logger, lines } = setup('warning');
    logger.emit('retry_decision', SAMPLES.retry_decision);
    logger.emit('checkpoint_commit', SAMPLES.checkpoint_commit);
    logger.emit('coverage_decreased', SAMPLES.coverage_decreased);
    logger.emit('checkpoint_commit', SAMPLES.checkpoint_commit, 'ERROR');
    expect(lines().map((line) => line['event_type'])).toEqual(['coverage_decreased', 'checkpoint_commit']);
  });

  it('emits only allow-listed fields, so stray properties cannot leak', () => {
    const { logger, lines } = setup();
    const withExtras = { ...SAMPLES.slack_failed, access_token: 'abc', url: 'https://x' };
    logger.emit('slack_failed', withExtras);
    expect(lines()[0]).toEqual({
      level: 'WARNING',
      timestamp: '2025-11-26T17:30:00.123Z',
      event_type: 'slack_failed',
      ...SAMPLES.slack_failed,
      msg: 'Slack message not delivered: webhook answered HTTP 500',
    });
  });

  it.each(
    (Object.keys(SAMPLES) as EventType[]).flatMap((type) =>
      Object.entries(SAMPLES[type])
        .filter(([, value]) => typeof value === 'string')
        .map(([field]) => [type, field] as const),
    ),
  )('scrubs secrets and PII from %s.%s', (type, field) => {
    const secrets = new SecretRegistry();
    secrets.add('1000.refresh-token-value');
    const { logger, chunks } = setup('debug', secrets);
    const poisoned = {
      ...SAMPLES[type],
      [field]: 'x 1000.refresh-token-value y 1000.refresh-token-value ops@corp.com 10.2.3.4 fe80::1',
    };
    logger.emit(type, poisoned);
    const [chunk = ''] = chunks;
    expect(chunk).not.toContain('refresh-token');
    expect(chunk).not.toContain('ops@corp.com');
    expect(chunk).not.toContain('10.2.3.4');
    const parsed = JSON.parse(chunk) as Record<string, unknown>;
    expect(parsed[field]).toBe('x [redacted] y [redacted] [email] [ipv4] [ipv6]');
  });

  it('sanitises strings nested in arrays and objects', () => {
    const secrets = new SecretRegistry();
    secrets.add('nested-secret');
    const { logger, lines } = setup('debug', secrets);
    const nested = { reason: ['nested-secret', { ip: '10.0.0.9', n: Infinity, ok: true }] };
    logger.emit('slack_disabled', nested as unknown as EventMap['slack_disabled']);
    expect(lines()[0]?.['reason']).toEqual(['[redacted]', { ip: '[ipv4]', n: null, ok: true }]);
  });

  it('cuts long strings to 1 KB and writes non-finite numbers as null', () => {
    const { logger, lines } = setup();
    logger.emit('page_extraction_failed', {
      ...SAMPLES.page_extraction_failed,
      response_sample: 'y'.repeat(20_000),
      delay_ms: Number.NaN,
    });
    const [line] = lines();
    expect(line?.['response_sample']).toHaveLength(1024);
    expect(line?.['delay_ms']).toBeNull();
  });

  it('omits an optional field that is absent', () => {
    const { logger, lines } = setup();
    const withoutMessage: EventMap['token_refresh'] = { ...SAMPLES.token_refresh };
    delete withoutMessage.error_message;
    logger.emit('token_refresh', withoutMessage);
    expect(lines()[0]).not.toHaveProperty('error_message');
  });

  it('never throws when the destination fails, and flush reaches a sync destination', () => {
    let flushed = 0;
    const logger = createEventLogger({
      destination: {
        write: () => {
          throw new Error('EPIPE');
        },
        flushSync: () => {
          flushed += 1;
          throw new Error('EBADF');
        },
      },
      clock: new FakeClock(),
      level: 'info',
      secrets: new SecretRegistry(),
    });
    expect(() => {
      logger.emit('run_complete', SAMPLES.run_complete);
    }).not.toThrow();
    expect(() => {
      logger.withSnapshot(1).flush();
    }).not.toThrow();
    expect(flushed).toBe(1);
  });
});
