import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { describeEvent } from './event-messages.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';

describe('describeEvent (the msg of a log line)', () => {
  it('says what happened with the key numbers', () => {
    expect(
      describeEvent('extraction_progress', {
        page: 50,
        total_pages: 135,
        systems_extracted: 1250,
        total_systems: 3362,
        progress_pct: 37.04,
        errors_total: 1,
        eta_minutes: 2,
      }),
    ).toBe('page 50/135 done: 1250 systems, 37.0%');
    expect(
      describeEvent('page_extraction_failed', {
        page: 65,
        attempt: 2,
        max_attempts: 3,
        http_status: 503,
        error_type: '5xx_server_error',
        error_message: 'HTTP 503',
        response_sample: null,
        action: 'retry',
        delay_ms: 2000,
      }),
    ).toBe('page 65 attempt 2/3 failed (5xx_server_error): HTTP 503; retrying');
    expect(
      describeEvent('retry_decision', {
        page: 0,
        resource_id: '52549000000186017',
        attempt: 1,
        error_type: '5xx_server_error',
        delay_ms: 1000,
        reason: 'backoff',
      }),
    ).toBe('lookup of system 52549000000186017 attempt 1 (5xx_server_error): backoff, waiting 1000 ms');
    expect(
      describeEvent('removal_confirmed', {
        previous_snapshot_id: 3,
        candidates: 5,
        present: 3,
        removed: 1,
        carried_over: 1,
      }),
    ).toBe('removals confirmed: 3 of 5 still there (stored), 1 removed, 1 unknown (carried over)');
    expect(describeEvent('run_complete', { exit_code: 3, outcome: 'deferred', duration_ms: 1530 })).toBe(
      'run finished: deferred, exit 3, 1.5 s',
    );
    expect(
      describeEvent('token_refresh', {
        reason: 'batch_start',
        success: true,
        token_age_s: null,
        ttl_s: 3600,
        source: 'refresh_token',
      }),
    ).toBe('access token obtained (batch_start, valid 3600 s)');
  });

  it('is scrubbed like the fields: a secret or an address in a field never reaches msg', () => {
    const secrets = new SecretRegistry();
    secrets.add('1000.secret-refresh-token');
    const chunks: string[] = [];
    const logger = createEventLogger({
      destination: { write: (line: string) => chunks.push(line) },
      clock: new FakeClock(),
      level: 'info',
      secrets,
    });
    logger.emit('extraction_failed', {
      error_type: 'auth_failed',
      error_message: 'token 1000.secret-refresh-token rejected for ops@corp.com at 10.2.3.4',
      exit_code: 1,
    });
    const line = JSON.parse(chunks[0] ?? '{}') as Record<string, unknown>;
    expect(line['msg']).toBe(
      'run failed (auth_failed, exit 1): token [redacted] rejected for [email] at [ipv4]',
    );
  });
});
