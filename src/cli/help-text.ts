/** The environment half of `--help` (D2). Flags override these; every knob has a default for the real API. */
export const ENVIRONMENT_HELP = `
Environment (flags override):
  PMP_SERVER_URL            PMP Cloud API base             [https://patch.manageengine.com.au]
  PMP_ACCOUNTS_URL          Zoho accounts server            [https://accounts.zoho.com.au]
  PMP_CLIENT_ID, PMP_CLIENT_SECRET, PMP_REFRESH_TOKEN
                            Self Client credentials (refresh-token grant)
  PMP_CREDENTIALS_FILE      JSON {client_id, client_secret, refresh_token}; must be mode 0600
  PMP_TOKEN_COMMAND         command printing an access token (bare or {access_token, expires_in})
  PMP_DB_PATH               SQLite database (--db)          [~/.maia/databases/intelligence/pmp_config.db]
  PMP_BATCH_PAGES           pages per run (--batch-pages)   [50]
  PMP_PAGE_SIZE             pagelimit sent to the API       [25]
  PMP_PAGE_DELAY_MS         min spacing of request starts   [250]
  PMP_REQUEST_TIMEOUT_MS    whole-request timeout, body too [30000]
  PMP_MAX_ATTEMPTS          attempts per page               [3]
  PMP_BACKOFF_BASE_MS       backoff = base x 2^(attempt-1)  [1000]
  PMP_MAX_RETRY_AFTER_S     longer Retry-After defers run   [300]
  PMP_THROTTLE_WAIT_MS      wait after an HTML throttle page [60000]
  PMP_TARGET_PCT            coverage target in percent      [95]
  PMP_LOG_FILE              JSON log file, one per day (--log-file) [stdout]
  PMP_LOG_LEVEL             debug|info|warning|error|critical (--log-level) [info]
  PMP_METRICS_FILE          Prometheus textfile (--metrics-file) [none]
  PMP_MAX_BODY_BYTES        response body cap               [10485760]
  PMP_TOKEN_BUDGET          token requests per 10 minutes   [10]
  PMP_MAX_SHRINK_PCT        a pass this much below the last published one is not published [50]
  PMP_TOKEN_COMMAND_TIMEOUT_MS, PMP_HOOK_TIMEOUT_MS, PMP_LOG_RETENTION_DAYS
  SLACK_WEBHOOK_URL         enables Slack notifications     [off]
  POST_EXTRACTION_HOOK      shell command run after a run that changed data

Exit codes: 0 success, 1 fatal, 2 partial (below target after gap retries),
            3 deferred (lock held, throttled, token budget spent, interrupted).
`;
