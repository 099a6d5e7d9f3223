/**
 * Every setting once (decision D2): its environment variable, the CLI flag that overrides it, the
 * Config field it fills (the key), its default, its allowed form and one line of help. The loader
 * (load-config.ts), `--help` (cli/help-text.ts, cli/parse-args.ts) and the README's configuration
 * table (checked by settings.test.ts) derive from this table, and no module keeps a default
 * of its own: modules take their options as required, from Config (style: ky's types/retry.ts).
 */
import type { SettingValues } from './config.ts';
import {
  accountName,
  filePath,
  flagSwitch,
  hours,
  httpUrl,
  logLevel,
  pageSize,
  percent,
  text,
  tokenBudget,
  wholeNumber as whole,
} from './fields.ts';
import { postgresUrl, schemaName } from './database.ts';
import { LIMITS } from './limits.ts';
import type { Setting, SettingsFor } from './setting.ts';

export const SETTINGS = {
  serverUrl: {
    env: 'PMP_SERVER_URL',
    field: httpUrl,
    default: 'https://patch.manageengine.com.au',
    help: 'PMP Cloud API base',
  },
  accountsUrl: {
    env: 'PMP_ACCOUNTS_URL',
    field: httpUrl,
    default: 'https://accounts.zoho.com.au',
    help: 'Zoho accounts server',
  },
  dbPath: {
    env: 'PMP_DB_PATH',
    flag: '--db <path>',
    field: filePath,
    default: '~/.maia/databases/intelligence/pmp_config.db',
    help: 'SQLite database path',
  },
  dbUrl: {
    env: 'PMP_DB_URL',
    flag: '--db-url <url>',
    field: postgresUrl,
    default: null,
    unset: 'SQLite',
    // D103; its password is scrubbed like the other secrets (D105).
    help: 'postgres:// or postgresql:// URL: store in PostgreSQL instead (not with PMP_DB_PATH)',
    secret: true,
  },
  account: {
    env: 'PMP_ACCOUNT',
    flag: '--account <name>',
    field: accountName,
    default: null,
    unset: 'database name',
    help: 'account name on log lines, metrics and Slack (letters, digits, -, _)',
  },
  dbSchema: {
    env: 'PMP_DB_SCHEMA',
    field: schemaName,
    default: null,
    unset: 'account name',
    help: 'PostgreSQL schema of this account',
  },
  batchPages: {
    env: 'PMP_BATCH_PAGES',
    flag: '--batch-pages <n>',
    field: whole(1, 10_000),
    default: '50',
    help: 'pages per run',
  },
  pageSize: {
    env: 'PMP_PAGE_SIZE',
    field: pageSize,
    default: '25',
    help: 'pagelimit sent to the API; auto: the largest the server honours (up to 1000), else 25',
  },
  pageDelayMs: {
    env: 'PMP_PAGE_DELAY_MS',
    field: whole(0),
    default: '250',
    help: 'min spacing of request starts, ms',
  },
  requestTimeoutMs: {
    env: 'PMP_REQUEST_TIMEOUT_MS',
    field: whole(1),
    default: '30000',
    help: 'whole-request timeout, body too, ms',
  },
  maxAttempts: { env: 'PMP_MAX_ATTEMPTS', field: whole(1, 10), default: '3', help: 'attempts per page' },
  backoffBaseMs: {
    env: 'PMP_BACKOFF_BASE_MS',
    field: whole(0),
    default: '1000',
    help: 'backoff = base x 2^(attempt-1), ms',
  },
  maxRetryAfterS: {
    env: 'PMP_MAX_RETRY_AFTER_S',
    field: whole(0),
    default: '300',
    help: 'a longer Retry-After defers the run, s',
  },
  throttleWaitMs: {
    env: 'PMP_THROTTLE_WAIT_MS',
    field: whole(0),
    default: '60000',
    help: 'wait after an HTML throttle page, ms',
  },
  targetPct: { env: 'PMP_TARGET_PCT', field: percent, default: '95', help: 'coverage target, percent' },
  logFile: {
    env: 'PMP_LOG_FILE',
    flag: '--log-file <path>',
    field: filePath,
    default: null,
    unset: 'stdout',
    help: 'write JSON logs to a daily file instead of stdout',
  },
  logLevel: {
    env: 'PMP_LOG_LEVEL',
    flag: '--log-level <level>',
    field: logLevel,
    default: 'info',
    help: 'debug|info|warning|error|critical',
  },
  logRetentionDays: {
    env: 'PMP_LOG_RETENTION_DAYS',
    field: whole(1, 3650),
    default: '14',
    help: 'day log files older than this are pruned',
  },
  metricsFile: {
    env: 'PMP_METRICS_FILE',
    flag: '--metrics-file <path>',
    field: filePath,
    default: null,
    unset: 'none',
    help: 'write Prometheus textfile metrics',
  },
  // 10 MiB: far above a 1000-record page, far below what would strain memory.
  maxBodyBytes: {
    env: 'PMP_MAX_BODY_BYTES',
    field: whole(1),
    default: '10485760',
    help: 'response body cap, bytes',
  },
  tokenBudget: {
    env: 'PMP_TOKEN_BUDGET',
    field: tokenBudget,
    default: String(LIMITS.zohoTokenLimit),
    help: 'token requests per 10 minutes',
  },
  maxShrinkPct: {
    env: 'PMP_MAX_SHRINK_PCT',
    field: whole(1, 100),
    default: '50',
    help: 'a pass this much below the last published one is not published',
  },
  refreshHours: {
    env: 'PMP_REFRESH_HOURS',
    flag: '--refresh-hours <h>',
    field: hours,
    default: '24',
    help: 'start a new pass once the published snapshot is this old (0 = never)',
  },
  keepSnapshots: {
    env: 'PMP_KEEP_SNAPSHOTS',
    flag: '--keep-snapshots <n>',
    field: whole(1, 10_000),
    default: '7',
    help: 'systems rows are kept for the newest N published snapshots',
  },
  tokenCommandTimeoutMs: {
    env: 'PMP_TOKEN_COMMAND_TIMEOUT_MS',
    field: whole(1),
    default: '30000',
    help: 'time limit of PMP_TOKEN_COMMAND, ms',
  },
  slackWebhookUrl: {
    env: 'SLACK_WEBHOOK_URL',
    field: text,
    default: null,
    unset: 'off',
    help: 'enables Slack notifications',
    secret: true,
  },
  postExtractionHook: {
    env: 'POST_EXTRACTION_HOOK',
    field: text,
    default: null,
    unset: 'none',
    help: 'shell command run after a run that changed data',
  },
  hookTimeoutMs: {
    env: 'PMP_HOOK_TIMEOUT_MS',
    field: whole(1),
    default: '300000',
    help: 'time limit of the hook, ms',
  },
  untilComplete: {
    env: null,
    flag: '--until-complete',
    field: flagSwitch,
    default: 'false',
    help: 'keep running batches until the target is met or the pass ends',
  },
} as const satisfies SettingsFor<SettingValues>;

export type SettingKey = keyof typeof SETTINGS;

/** The table as a list, in its order (the order of --help). */
export const SETTING_LIST: readonly (readonly [SettingKey, Setting<unknown>])[] = Object.entries(
  SETTINGS,
) as [SettingKey, Setting<unknown>][];
