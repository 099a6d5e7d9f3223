/**
 * Takes the one-run-per-database lock (D10; per schema with PostgreSQL, D106); a held lock is a
 * deferred run (exit 3), not an error.
 */
import type { FlushableEventLogger } from '../observability/index.ts';
import type { HeldLock, ProcessIO, RunDatabase } from '../app/index.ts';

export async function acquireLockOrDefer(
  io: ProcessIO,
  database: RunDatabase,
  logger: FlushableEventLogger,
  onLost: () => void,
): Promise<HeldLock | null> {
  const attempt = await database.acquireLock(() => {
    // Another process took the lock over (we looked dead or stale to it), or the lock's PostgreSQL
    // connection dropped. Writes are transactional and idempotent, so the current page may finish;
    // then the run stops (exit 3) so runs don't overlap.
    io.stderr.write('pmp-extractor: run lock lost; stopping after the current page\n');
    onLost();
  });
  if (attempt.ok) return attempt.lock;
  logger.emit('run_deferred', { reason: 'lock_held', retry_after_s: null, message: attempt.message });
  return null;
}
