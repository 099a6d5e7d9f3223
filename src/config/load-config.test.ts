import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

const HOME = '/home/op';

describe('loadConfig defaults', () => {
  it('suits the real API when nothing is set', () => {
    expect(loadConfig({}, {}, HOME)).toEqual({
      serverUrl: 'https://patch.manageengine.com.au',
      accountsUrl: 'https://accounts.zoho.com.au',
      dbPath: '/home/op/.maia/databases/intelligence/pmp_config.db',
      dbUrl: null,
      dbSchema: 'pmp_config',
      batchPages: 50,
      pageSize: 25,
      pageDelayMs: 250,
      requestTimeoutMs: 30_000,
      maxAttempts: 3,
      backoffBaseMs: 1000,
      maxRetryAfterS: 300,
      throttleWaitMs: 60_000,
      targetPct: 95,
      logFile: null,
      logLevel: 'info',
      slackWebhookUrl: null,
      postExtractionHook: null,
      metricsFile: null,
      untilComplete: false,
      maxBodyBytes: 10_485_760,
      tokenBudget: { maxRequests: 10, windowMs: 600_000 },
      tokenCommandTimeoutMs: 30_000,
      hookTimeoutMs: 300_000,
      logRetentionDays: 14,
      maxShrinkPct: 50,
      refreshHours: 24,
      keepSnapshots: 7,
      account: 'pmp_config',
    });
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ PMP_BATCH_PAGES: '', PMP_SERVER_URL: '  ', PMP_LOG_FILE: '' }, {}, HOME);
    expect(config.batchPages).toBe(50);
    expect(config.serverUrl).toBe('https://patch.manageengine.com.au');
    expect(config.logFile).toBeNull();
  });
});

describe('loadConfig values', () => {
  it('reads every variable', () => {
    const config = loadConfig(
      {
        PMP_SERVER_URL: 'http://127.0.0.1:8080/',
        PMP_ACCOUNTS_URL: 'https://accounts.zoho.eu//',
        PMP_DB_PATH: '/data/pmp.db',
        PMP_BATCH_PAGES: '135',
        PMP_PAGE_SIZE: '1000',
        PMP_PAGE_DELAY_MS: '0',
        PMP_REQUEST_TIMEOUT_MS: '5000',
        PMP_MAX_ATTEMPTS: '4',
        PMP_BACKOFF_BASE_MS: '10',
        PMP_MAX_RETRY_AFTER_S: '60',
        PMP_THROTTLE_WAIT_MS: '100',
        PMP_TARGET_PCT: '99.5',
        PMP_LOG_FILE: '~/logs/pmp.log',
        PMP_LOG_LEVEL: 'WARN',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/x',
        POST_EXTRACTION_HOOK: 'echo done',
        PMP_METRICS_FILE: '~/metrics.prom',
        PMP_MAX_BODY_BYTES: '2048',
        PMP_TOKEN_BUDGET: '5',
        PMP_TOKEN_COMMAND_TIMEOUT_MS: '1000',
        PMP_HOOK_TIMEOUT_MS: '2000',
        PMP_LOG_RETENTION_DAYS: '30',
        PMP_KEEP_SNAPSHOTS: '3',
      },
      {},
      HOME,
    );
    expect(config).toMatchObject({
      serverUrl: 'http://127.0.0.1:8080',
      accountsUrl: 'https://accounts.zoho.eu',
      dbPath: '/data/pmp.db',
      batchPages: 135,
      pageSize: 1000,
      pageDelayMs: 0,
      requestTimeoutMs: 5000,
      maxAttempts: 4,
      backoffBaseMs: 10,
      maxRetryAfterS: 60,
      throttleWaitMs: 100,
      targetPct: 99.5,
      logFile: '/home/op/logs/pmp.log',
      logLevel: 'warning',
      slackWebhookUrl: 'https://hooks.slack.com/services/x',
      postExtractionHook: 'echo done',
      metricsFile: '/home/op/metrics.prom',
      maxBodyBytes: 2048,
      tokenBudget: { maxRequests: 5, windowMs: 600_000 },
      tokenCommandTimeoutMs: 1000,
      hookTimeoutMs: 2000,
      logRetentionDays: 30,
      keepSnapshots: 3,
    });
  });

  it('reads PMP_REFRESH_HOURS as fractional hours, 0 included, and --refresh-hours over it (D110)', () => {
    expect(loadConfig({ PMP_REFRESH_HOURS: '0.0001' }, {}, HOME).refreshHours).toBe(0.0001);
    expect(loadConfig({ PMP_REFRESH_HOURS: '0' }, {}, HOME).refreshHours).toBe(0);
    expect(loadConfig({ PMP_REFRESH_HOURS: '6' }, { refreshHours: '1.5' }, HOME).refreshHours).toBe(1.5);
    for (const bad of ['-1', 'daily', '1e3', '100000']) {
      expect(() => loadConfig({ PMP_REFRESH_HOURS: bad }, {}, HOME)).toThrow(
        /PMP_REFRESH_HOURS must be a number of hours from 0 to 87600/,
      );
    }
  });

  it.each([
    ['DEBUG', 'debug'],
    ['Info', 'info'],
    ['warning', 'warning'],
    ['ERROR', 'error'],
    ['critical', 'critical'],
    ['fatal', 'critical'],
  ])('accepts log level %s', (raw, level) => {
    expect(loadConfig({ PMP_LOG_LEVEL: raw }, {}, HOME).logLevel).toBe(level);
  });

  it.each([
    ['auto', 'auto'],
    ['AUTO', 'auto'],
    ['1', 1],
    ['1000', 1000],
  ])('accepts PMP_PAGE_SIZE=%s', (raw, pageSize) => {
    expect(loadConfig({ PMP_PAGE_SIZE: raw }, {}, HOME).pageSize).toBe(pageSize);
  });

  it('expands ~ alone and ~/ but not ~user', () => {
    expect(loadConfig({ PMP_DB_PATH: '~' }, {}, HOME).dbPath).toBe(HOME);
    expect(loadConfig({ PMP_DB_PATH: '~/x.db' }, {}, '/home/op/').dbPath).toBe('/home/op/x.db');
    expect(loadConfig({ PMP_DB_PATH: '~other/x.db' }, {}, HOME).dbPath).toBe('~other/x.db');
  });

  it('lets flags override the environment', () => {
    const env = {
      PMP_DB_PATH: '/env.db',
      PMP_BATCH_PAGES: '10',
      PMP_LOG_FILE: '/env.log',
      PMP_LOG_LEVEL: 'debug',
      PMP_METRICS_FILE: '/env.prom',
    };
    const config = loadConfig(
      env,
      {
        dbPath: '~/flag.db',
        batchPages: 7,
        logFile: '/flag.log',
        logLevel: 'ERROR',
        metricsFile: '/flag.prom',
        untilComplete: true,
      },
      HOME,
    );
    expect(config).toMatchObject({
      dbPath: '/home/op/flag.db',
      batchPages: 7,
      logFile: '/flag.log',
      logLevel: 'error',
      metricsFile: '/flag.prom',
      untilComplete: true,
    });
    expect(loadConfig(env, { batchPages: '12' }, HOME).batchPages).toBe(12);
    expect(loadConfig({ PMP_KEEP_SNAPSHOTS: '9' }, { keepSnapshots: '1' }, HOME).keepSnapshots).toBe(1);
  });
});
