/**
 * Records how an extraction run ended in the database (extraction_last_run), for `--status --json`
 * and `--status --check`. Quiet: the run's own failure has been reported already, and a database that
 * cannot take this row must not turn a finished run into a failed one.
 */
import { loggedOutcome, type RunSummary } from '../extract/index.ts';
import { isExtractorError } from '../platform/index.ts';
import { DamagedDatabaseError, type Store } from '../store/index.ts';
import { EXIT } from '../cli/exit-codes.ts';
import type { ProcessIO } from './io.ts';
import type { RunDatabase } from './open-store-for.ts';

export interface RunEnd {
  code: number;
  /** The error that ended the run, or null: its code becomes the row's reason. */
  error: unknown;
  /** The last batch's summary, or null when no batch finished. */
  last: RunSummary | null;
}

/** Failures after which this run must not open the database itself: the database is the problem. */
const NO_OPEN_REASONS = new Set(['lock_held', 'database_busy', 'database_error']);

export async function recordLastRun(
  io: ProcessIO,
  database: Pick<RunDatabase, 'open'>,
  store: Store | null,
  end: RunEnd,
): Promise<void> {
  const reason = reasonOf(end);
  const outcome = outcomeOf(end);
  // Deferred by the lock, this run did nothing: the run holding the lock records its own end.
  if (store === null && (outcome === 'deferred' || NO_OPEN_REASONS.has(reason ?? ''))) return;
  // D142: a file that failed its check is left exactly as it was, this row included.
  if (end.error instanceof DamagedDatabaseError) return;
  let opened: Store | null = null;
  try {
    opened = store ?? (await database.open(null));
    await opened.recordLastRun({
      exit_code: end.code,
      outcome,
      reason,
      snapshot_id: end.last?.snapshotId ?? null,
      finished_at_ms: io.clock.nowMs(),
    });
  } catch {
    // Best effort, see above.
  } finally {
    if (store === null) await opened?.close();
  }
}

/** run_complete's outcome words; a run that threw is `deferred` (exit 3) or `failed`. */
function outcomeOf(end: RunEnd): string {
  if (end.error === null && end.last !== null) return loggedOutcome(end.last.outcome);
  return end.code === EXIT.deferred ? 'deferred' : 'failed';
}

function reasonOf(end: RunEnd): string | null {
  if (end.error !== null) return isExtractorError(end.error) ? end.error.code : 'internal_error';
  return end.code === EXIT.partial ? 'below_target' : null;
}
