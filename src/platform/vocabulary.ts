/**
 * The shared vocabulary (decisions D4, D8): closed lists every layer speaks, so no layer has to import
 * upward to name an error class or a level. This module imports nothing.
 */

/** A log line's `level` field. */
export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

/** The same five levels as configured (`PMP_LOG_LEVEL` / `--log-level`, lower case). */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** D4's error classes; also the `error_type` column of extraction_gaps. */
export const ERROR_TYPES = [
  '401_unauthorized',
  '403_forbidden',
  '429_rate_limit',
  'rate_limit_deferred',
  'throttled',
  '5xx_server_error',
  'network_timeout',
  'json_parse_error',
  'unknown_error',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** What the extractor does after a failed attempt. */
export const FAILURE_ACTIONS = ['retry', 'refresh_token', 'skip_page', 'defer_run', 'abort'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

export const TOKEN_REFRESH_REASONS = ['batch_start', 'proactive', '401'] as const;
export type TokenRefreshReason = (typeof TOKEN_REFRESH_REASONS)[number];

/** Why a run stops early and exits 3: the `reason` of the `run_deferred` event. */
export type DeferReason =
  | 'lock_held'
  | 'database_busy'
  | 'rate_limited'
  | 'throttled'
  | 'daily_quota'
  | 'token_budget'
  | 'token_throttled'
  | 'interrupted';
