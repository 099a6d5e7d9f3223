/**
 * PostgreSQL failures as the boundary errors the CLI maps to exit codes (D25): a lock wait past
 * lock_timeout, a serialization failure or a deadlock is `database_busy` (exit 3, as SQLite's busy
 * timeout, D30: the next run continues); anything else is `database_error` (exit 1). Messages are
 * one line; the server's text names the table or constraint, the original error is the cause.
 */
import { errorCodeOf, ExtractorError, isExtractorError } from '../platform/index.ts';

/** SQLSTATEs that mean "another session is in the way", not "this cannot work". */
const BUSY_STATES: ReadonlySet<string> = new Set(['55P03', '40001', '40P01']);

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function pgError(what: string, error: unknown): ExtractorError {
  if (isExtractorError(error)) return error;
  const detail = oneLine(error instanceof Error ? error.message : String(error));
  if (BUSY_STATES.has(errorCodeOf(error) ?? '')) {
    return new ExtractorError('database_busy', `${what}: ${detail}; the next run continues`, {
      cause: error,
    });
  }
  return new ExtractorError('database_error', `${what}: ${detail}`, { cause: error });
}

/** Runs `work`, turning any rejection into a pgError that names the operation. */
export async function pgGuarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw pgError(what, error);
  }
}
