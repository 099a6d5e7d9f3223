/** Takes the one-run-per-database lock (D10); a held lock is a deferred run (exit 3), not an error. */
import type { FlushableEventLogger } from '../observability/index.ts';
import { isExtractorError } from '../platform/errors.ts';
import { acquireRunLock, type RunLock } from '../store/index.ts';
import type { ProcessIO } from './io.ts';

export async function acquireLockOrDefer(
  io: ProcessIO,
  dbPath: string,
  logger: FlushableEventLogger,
): Promise<RunLock | null> {
  try {
    return await acquireRunLock(dbPath, {
      owner: { pid: io.pid, hostname: io.hostname, isAlive: (pid) => io.isProcessAlive(pid) },
      onCompromised: () => {
        // Another process took the lock over (we looked dead to it). Our writes are transactional and
        // idempotent, so finishing the current page is safe; stopping early keeps runs from overlapping.
        io.stderr.write('pmp-extractor: run lock lost; stopping after the current page\n');
      },
    });
  } catch (error) {
    if (!isExtractorError(error) || error.code !== 'lock_held') throw error;
    logger.emit('run_deferred', { reason: 'lock_held', retry_after_s: null, message: error.message });
    return null;
  }
}
