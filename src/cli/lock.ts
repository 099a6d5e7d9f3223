/** Takes the one-run-per-database lock (D10); a held lock is a deferred run (exit 3), not an error. */
import type { FlushableEventLogger } from '../observability/index.ts';
import { isExtractorError } from '../platform/index.ts';
import { acquireRunLock, type RunLock } from '../store/index.ts';
import type { ProcessIO } from '../app/index.ts';

export async function acquireLockOrDefer(
  io: ProcessIO,
  dbPath: string,
  logger: FlushableEventLogger,
  onLost: () => void,
): Promise<RunLock | null> {
  try {
    return await acquireRunLock(dbPath, {
      owner: { pid: io.pid, hostname: io.hostname, isAlive: (pid) => io.isProcessAlive(pid) },
      onCompromised: () => {
        // Another process took the lock over (we looked dead or stale to it). Writes are transactional
        // and idempotent, so the current page may finish; then the run stops (exit 3) so runs don't overlap.
        io.stderr.write('pmp-extractor: run lock lost; stopping after the current page\n');
        onLost();
      },
    });
  } catch (error) {
    if (!isExtractorError(error) || error.code !== 'lock_held') throw error;
    logger.emit('run_deferred', { reason: 'lock_held', retry_after_s: null, message: error.message });
    return null;
  }
}
