import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { withAttemptTally } from './attempt-tally.ts';
import type { EventMap } from '../platform/index.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';

function failure(
  errorType: EventMap['page_extraction_failed']['error_type'],
): EventMap['page_extraction_failed'] {
  return {
    page: 2,
    attempt: 1,
    max_attempts: 3,
    http_status: 503,
    error_type: errorType,
    error_message: 'HTTP 503',
    response_sample: null,
    action: 'retry',
    delay_ms: 10,
  };
}

describe('withAttemptTally', () => {
  it('counts failed attempts by class across snapshot views, and still writes every line', () => {
    const lines: string[] = [];
    const inner = createEventLogger({
      destination: { write: (line: string) => lines.push(line) },
      clock: new FakeClock(),
      level: 'info',
      secrets: new SecretRegistry(),
    });
    const logger = withAttemptTally(inner);
    const bound = logger.withSnapshot(7);
    bound.emit('page_extraction_failed', failure('5xx_server_error'));
    bound.withSnapshot(8).emit('page_extraction_failed', failure('5xx_server_error'));
    logger.emit('page_extraction_failed', failure('401_unauthorized'));
    logger.emit('page_skipped', { page: 2, error_type: '5xx_server_error', attempts: 3 });
    bound.emit('records_rejected', { page: 3, count: 2, reasons: 'no resource_id' });

    expect(logger.failedAttemptsByClass()).toEqual({ '5xx_server_error': 2, '401_unauthorized': 1 });
    expect(logger.recordsRejected()).toBe(2);
    expect(bound.failedAttemptsByClass()).toEqual(logger.failedAttemptsByClass());
    expect(lines.map((line) => (JSON.parse(line) as { snapshot_id?: number }).snapshot_id)).toEqual([
      7,
      8,
      undefined,
      undefined,
      7,
    ]);
  });

  it('counts attempts the level filter keeps out of the log', () => {
    const lines: string[] = [];
    const logger = withAttemptTally(
      createEventLogger({
        destination: { write: (line: string) => lines.push(line) },
        clock: new FakeClock(),
        level: 'error',
        secrets: new SecretRegistry(),
      }),
    );
    logger.emit('page_extraction_failed', failure('network_timeout'));
    expect(lines).toEqual([]);
    expect(logger.failedAttemptsByClass()).toEqual({ network_timeout: 1 });
    // A copy: callers cannot change the tally.
    const counts = logger.failedAttemptsByClass() as Record<string, number>;
    counts['network_timeout'] = 99;
    expect(logger.failedAttemptsByClass()).toEqual({ network_timeout: 1 });
  });
});
