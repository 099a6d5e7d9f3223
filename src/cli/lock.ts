/**
 * Takes the one-run-per-database lock (D10; per schema with PostgreSQL, D106); a held lock is a
 * deferred run (exit 3), not an error.
 */
import type { FlushableEventLogger, SecretRegistry } from '../observability/index.ts';
import { ExtractorError, redactText } from '../platform/index.ts';
import type { HeldLock, ProcessIO, RunDatabase } from '../app/index.ts';

/** Why a run whose lock went stops (its run_deferred message, reason lock_held). */
const LOCK_LOST =
  'the run lock was lost (taken over by another run, or its database connection dropped); ' +
  'stopping without writing';

/** The lock, or null (run_deferred logged) when another run holds it; `lockLost` aborts if it goes. */
export async function acquireLockOrDefer(
  io: ProcessIO,
  database: RunDatabase,
  logger: FlushableEventLogger,
  lockLost: AbortController,
): Promise<HeldLock | null> {
  const attempt = await database.acquireLock(() => {
    // Another process took the lock over (we looked dead or stale to it), or the lock's PostgreSQL
    // connection dropped, so another run may get in. Writes are transactional and idempotent, so the
    // current page may finish; then the run stops (exit 3) so runs don't overlap.
    io.stderr.write('pmp-extractor: run lock lost; stopping after the current page\n');
    lockLost.abort(new ExtractorError('lock_held', LOCK_LOST));
  });
  if (attempt.ok) return attempt.lock;
  logger.emit('run_deferred', { reason: 'lock_held', retry_after_s: null, message: attempt.message });
  return null;
}

/**
 * Releases the lock. A release that fails (PostgreSQL answered that this session did not hold the
 * lock, D106) comes after run_complete: it is reported on stderr and leaves the exit code alone.
 */
export async function releaseLock(lock: HeldLock, io: ProcessIO, secrets: SecretRegistry): Promise<void> {
  try {
    await lock.release();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`pmp-extractor: ${redactText(message, secrets)}\n`);
  }
}
