import { errorCodeOf, ExtractorError, isExtractorError } from '../platform/index.ts';
import { damaged, isBusyError, isCorruptionError } from './open-checks.ts';

/**
 * Wraps a SQLite failure into the boundary error the CLI maps to exit 1 (exit 3 when busy, D30). `what`
 * says which operation failed; the SQLite message is kept (it names the table or constraint) and the
 * original is the cause.
 */
export function databaseError(what: string, error: unknown): ExtractorError {
  if (isExtractorError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isBusyError(error)) {
    // D30: a dashboard's long write lock is a reason to come back later, not a fatal error.
    return new ExtractorError('database_busy', `${what}: ${detail}; the next run continues`, {
      cause: error,
    });
  }
  return new ExtractorError('database_error', `${what}: ${detail}`, { cause: error });
}

/** Runs `fn`, turning any thrown SQLite error into a `database_error` that names the operation. */
export function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw databaseError(what, error);
  }
}

/**
 * What a run reports for an error that escaped the store. Reads are not `guarded` like writes, so a
 * SQLite error can reach the run's end as it was thrown: SQLITE_CORRUPT there is a damaged file (D142:
 * nothing more is written to it), any other SQLite error a `database_error` naming the database (`label`,
 * its path); every other error is returned as it is.
 */
export function storeFailure(error: unknown, label: string): unknown {
  const code = errorCodeOf(error);
  if (isExtractorError(error) || code === null || !code.startsWith('SQLITE_')) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isCorruptionError(error)) return damaged(label, `${code}: ${detail}`);
  return databaseError(`The database ${label} failed`, error);
}
