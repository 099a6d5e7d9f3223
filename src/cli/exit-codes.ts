/** D10's exit codes: the single source of truth for how a run ends. */
import type { ExtractorErrorCode } from '../platform/index.ts';
import type { RunOutcome } from '../extract/index.ts';

export const EXIT = {
  /** Success: a batch ran, the target is already met, or --status / --reset. */
  ok: 0,
  /** Fatal: configuration, credentials, auth abort, database error. */
  fatal: 1,
  /** Partial: the pass reached its last page and coverage is below target after gap retries. */
  partial: 2,
  /** Deferred: lock held, database busy, throttled / long Retry-After, token budget spent, SIGINT/SIGTERM. */
  deferred: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeForOutcome(outcome: RunOutcome): ExitCode {
  switch (outcome) {
    case 'already_complete':
    case 'batch_complete':
    case 'target_met':
      return EXIT.ok;
    case 'below_target':
      return EXIT.partial;
    case 'deferred':
    case 'interrupted':
      return EXIT.deferred;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

export function exitCodeForError(code: ExtractorErrorCode): ExitCode {
  switch (code) {
    case 'config_invalid':
    case 'credentials_rejected':
    case 'token_unavailable':
    case 'auth_aborted':
    case 'database_error':
      return EXIT.fatal;
    case 'token_throttled':
    case 'token_budget_exhausted':
    case 'lock_held':
    case 'database_busy':
    case 'run_deferred':
    case 'interrupted':
      return EXIT.deferred;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
