import { describe, expect, it } from 'vitest';
import * as observability from './index.ts';

describe('observability public surface', () => {
  it('exports the factories other folders use', () => {
    expect(Object.keys(observability).sort()).toEqual(
      [
        'DEFAULT_LEVELS',
        'ERROR_TYPES',
        'FAILURE_ACTIONS',
        'TOKEN_REFRESH_REASONS',
        'EVENT_FIELDS',
        'SECRET_VARIABLES',
        'LEVELS',
        'REDACTED',
        'SAMPLE_MAX_CHARS',
        'SecretRegistry',
        'buildHookEnv',
        'createEventLogger',
        'createProgressReporter',
        'createRunMetrics',
        'createSlackNotifier',
        'createSyncFdDestination',
        'openDailyLogFile',
        'redactPii',
        'redactText',
        'runPostExtractionHook',
        'sanitizeSample',
        'shouldDrawProgressBar',
        'validateWebhookUrl',
        'writeMetricsFile',
      ].sort(),
    );
  });
});
