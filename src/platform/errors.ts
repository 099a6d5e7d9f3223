/**
 * Error classes used only at module boundaries (D25). Inside a module, outcomes are
 * discriminated unions; these are thrown when a run must stop. `code` is stable and maps to an exit
 * code in src/cli/exit-codes.ts. Messages are written for the operator and never contain secrets.
 */
import type { DeferReason } from './vocabulary.ts';

export type ExtractorErrorCode =
  /** Bad environment variable, flag or credentials file (exit 1). */
  | 'config_invalid'
  /** Zoho refused the credentials: invalid_code / invalid_client (exit 1). */
  | 'credentials_rejected'
  /** Token endpoint unreachable or 5xx after its retries, or token command failed (exit 1). */
  | 'token_unavailable'
  /** Zoho "Access Denied / too many requests" on the token endpoint (exit 3). */
  | 'token_throttled'
  /** The persisted token-request budget (10 per 10 min) is spent (exit 3). */
  | 'token_budget_exhausted'
  /** Three consecutive auth failures on the API, or a persistent 403 (exit 1). */
  | 'auth_aborted'
  /** SQLite could not be opened, migrated or written (exit 1). */
  | 'database_error'
  /** Another connection (a dashboard) held a SQLite write lock past the busy timeout (exit 3, D30). */
  | 'database_busy'
  /** Another run holds the database lock (exit 3). */
  | 'lock_held'
  /** The API asked us to come back later: long Retry-After, daily quota, persistent throttling (exit 3). */
  | 'run_deferred'
  /** SIGINT / SIGTERM (exit 3). */
  | 'interrupted';

export class ExtractorError extends Error {
  override readonly name: string = 'ExtractorError';
  readonly code: ExtractorErrorCode;

  constructor(code: ExtractorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isExtractorError(error: unknown): error is ExtractorError {
  return error instanceof ExtractorError;
}

/**
 * The string `code` of a thrown value (ENOENT, ECONNREFUSED, UND_ERR_SOCKET, ELOCKED...), or null
 * when it has none. Codes, unlike messages, never carry a path, URL or header.
 */
export function errorCodeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

/** Error codes that mean "come back later" (exit 3), with the `run_deferred` reason they log. */
export const DEFER_REASONS: Readonly<Partial<Record<ExtractorErrorCode, DeferReason>>> = {
  lock_held: 'lock_held',
  database_busy: 'database_busy',
  token_budget_exhausted: 'token_budget',
  token_throttled: 'token_throttled',
  run_deferred: 'rate_limited',
  interrupted: 'interrupted',
};
