import { describe, expect, it } from 'vitest';
import * as observability from './index.ts';

describe('observability public surface', () => {
  it('exports the factories other folders use', () => {
    expect(Object.keys(observability).sort()).toEqual(
      [
        'EVENT_FIELDS',
        'SECRET_VARIABLES',
        'SecretRegistry',
        'createEventLogger',
        'createProgressReporter',
        'createRunMetrics',
        'createSlackNotifier',
        'createSyncFdDestination',
        'openDailyLogFile',
        'runPostExtractionHook',
        'shouldDrawProgressBar',
        'writeMetricsFile',
      ].sort(),
    );
  });
});
