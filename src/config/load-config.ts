import type { CliOverrides, Config } from './config.ts';
import {
  DEFAULT_ACCOUNTS_URL,
  DEFAULT_DB_PATH,
  DEFAULT_SERVER_URL,
  TOKEN_BUDGET_WINDOW_MS,
  ZOHO_TOKEN_LIMIT,
} from './config.ts';
import { createEnvReader } from './env-reader.ts';
import { expandHome, filePath, httpUrl, logLevel, percent, text, wholeNumber } from './fields.ts';

/**
 * env + CLI flags → validated Config (decision D2). Flags win over the environment; empty variables
 * count as unset. Throws ExtractorError('config_invalid') naming every bad variable and its expected
 * form; secret values are never echoed.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: CliOverrides,
  homeDir: string,
): Config {
  const r = createEnvReader(env);
  const path = filePath(homeDir);

  const config: Config = {
    serverUrl: r.read('PMP_SERVER_URL', httpUrl, DEFAULT_SERVER_URL),
    accountsUrl: r.read('PMP_ACCOUNTS_URL', httpUrl, DEFAULT_ACCOUNTS_URL),
    dbPath: r.read('PMP_DB_PATH', path, expandHome(DEFAULT_DB_PATH, homeDir), {
      flag: { name: '--db', value: overrides.dbPath },
    }),
    batchPages: r.read('PMP_BATCH_PAGES', wholeNumber(1, 10_000), 50, {
      flag: { name: '--batch-pages', value: overrides.batchPages },
    }),
    pageSize: r.read('PMP_PAGE_SIZE', wholeNumber(1, 1000), 25),
    pageDelayMs: r.read('PMP_PAGE_DELAY_MS', wholeNumber(0), 250),
    requestTimeoutMs: r.read('PMP_REQUEST_TIMEOUT_MS', wholeNumber(1), 30_000),
    maxAttempts: r.read('PMP_MAX_ATTEMPTS', wholeNumber(1, 10), 3),
    backoffBaseMs: r.read('PMP_BACKOFF_BASE_MS', wholeNumber(0), 1000),
    maxRetryAfterS: r.read('PMP_MAX_RETRY_AFTER_S', wholeNumber(0), 300),
    throttleWaitMs: r.read('PMP_THROTTLE_WAIT_MS', wholeNumber(0), 60_000),
    targetPct: r.read('PMP_TARGET_PCT', percent, 95),
    logFile: r.readOptional('PMP_LOG_FILE', path, { flag: { name: '--log-file', value: overrides.logFile } }),
    logLevel: r.read('PMP_LOG_LEVEL', logLevel, 'info', {
      flag: { name: '--log-level', value: overrides.logLevel },
    }),
    slackWebhookUrl: r.readOptional('SLACK_WEBHOOK_URL', text, { secret: true }),
    postExtractionHook: r.readOptional('POST_EXTRACTION_HOOK', text),
    metricsFile: r.readOptional('PMP_METRICS_FILE', path, {
      flag: { name: '--metrics-file', value: overrides.metricsFile },
    }),
    untilComplete: overrides.untilComplete ?? false,
    // 10 MiB: far above a 1000-record page, far below what would strain memory.
    maxBodyBytes: r.read('PMP_MAX_BODY_BYTES', wholeNumber(1), 10_485_760),
    tokenBudget: {
      // Capped at Zoho's own limit: a higher budget would only let Zoho lock the client out.
      maxRequests: r.read('PMP_TOKEN_BUDGET', wholeNumber(1, ZOHO_TOKEN_LIMIT), ZOHO_TOKEN_LIMIT),
      windowMs: TOKEN_BUDGET_WINDOW_MS,
    },
    tokenCommandTimeoutMs: r.read('PMP_TOKEN_COMMAND_TIMEOUT_MS', wholeNumber(1), 30_000),
    hookTimeoutMs: r.read('PMP_HOOK_TIMEOUT_MS', wholeNumber(1), 300_000),
    logRetentionDays: r.read('PMP_LOG_RETENTION_DAYS', wholeNumber(1, 3650), 14),
    maxShrinkPct: r.read('PMP_MAX_SHRINK_PCT', wholeNumber(1, 100), 50),
  };

  r.throwIfInvalid();
  return config;
}
