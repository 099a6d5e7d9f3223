/**
 * The validated run configuration (decision D2). Every knob has a default that suits the real
 * PMP Cloud / Zoho API, listed with its variable, flag and form in settings.ts; environment
 * variables set them and CLI flags override the environment. Credentials are resolved separately
 * (credentials.ts) because `--status` needs none.
 */
import type { LogLevel } from '../platform/index.ts';

export interface Config {
  /** PMP Cloud API base, no trailing slash. */
  serverUrl: string;
  /** Zoho accounts server of the same data centre, no trailing slash. */
  accountsUrl: string;
  /** SQLite database file; unused when dbUrl selects PostgreSQL. */
  dbPath: string;
  /** PMP_DB_URL: a postgres:// URL selects PostgreSQL (D103); null = SQLite at dbPath. Its password is secret. */
  dbUrl: string | null;
  /** PMP_DB_SCHEMA, or the account name as a schema name (D104); used with dbUrl only. */
  dbSchema: string;
  /** Pages fetched per run. */
  batchPages: number;
  /** `pagelimit` sent to the API, or `auto`: probe the largest size the server honours (D74). */
  pageSize: number | 'auto';
  /** Minimum spacing between request starts, ms. */
  pageDelayMs: number;
  /** Whole-request timeout (body included), ms. */
  requestTimeoutMs: number;
  /** Attempts per page. */
  maxAttempts: number;
  /** Backoff delay = backoffBaseMs × 2^(attempt-1). */
  backoffBaseMs: number;
  /** A Retry-After longer than this (s) defers the run instead of sleeping. */
  maxRetryAfterS: number;
  /** Wait after an HTML / non-JSON throttle page, ms. */
  throttleWaitMs: number;
  /** Coverage target, percent (0 < x ≤ 100). */
  targetPct: number;
  /** null = JSON lines on stdout. */
  logFile: string | null;
  logLevel: LogLevel;
  /** Raw value; validation (https, loopback http) is the notifier's job (D9). Secret. */
  slackWebhookUrl: string | null;
  postExtractionHook: string | null;
  metricsFile: string | null;
  untilComplete: boolean;
  /** Response bodies larger than this are cut off while streaming, bytes. */
  maxBodyBytes: number;
  /** Token requests allowed per rolling window, persisted across processes (Zoho: 10 per 10 min). */
  tokenBudget: { maxRequests: number; windowMs: number };
  /** Time limit for PMP_TOKEN_COMMAND, ms. */
  tokenCommandTimeoutMs: number;
  /** Time limit for POST_EXTRACTION_HOOK, ms. */
  hookTimeoutMs: number;
  /** Daily log files older than this are pruned, days. */
  logRetentionDays: number;
  /** PMP_MAX_SHRINK_PCT: a pass whose total dropped more than this below the last published pass is not published. */
  maxShrinkPct: number;
  /** PMP_KEEP_SNAPSHOTS: systems rows are kept for this many newest published snapshots (D83); at least 1. */
  keepSnapshots: number;
  /**
   * PMP_REFRESH_HOURS (D110): a run starts a new pass at page 1 once the published snapshot completed
   * more than this many hours ago; 0 = never on its own (only `--reset` starts one).
   */
  refreshHours: number;
  /**
   * PMP_ACCOUNT: names this extractor's account on every log line, metric and Slack message (D41);
   * letters, digits, `-`, `_`. Defaults to the database file's base name without its extension.
   */
  account: string;
}

/**
 * What the settings table reads: `account` and `dbSchema` may be unset, and loadConfig derives
 * them (the account from the database's name, the schema from the account).
 */
export type SettingValues = Omit<Config, 'account' | 'dbSchema'> & {
  account: string | null;
  dbSchema: string | null;
};

/** What the CLI parser hands over; every field is optional and wins over the environment. */
export interface CliOverrides {
  dbPath?: string;
  dbUrl?: string;
  account?: string;
  batchPages?: string | number;
  keepSnapshots?: string | number;
  logFile?: string;
  logLevel?: string;
  metricsFile?: string;
  refreshHours?: string | number;
  untilComplete?: boolean;
}
