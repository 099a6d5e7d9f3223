/**
 * The last line of defence against a silent exit 0 (D55). Node ends a process whose event loop has
 * nothing left to wait for, even when the command's promise never settled (a body read that stays
 * pending on a socket the pool unref'd): no `run_complete`, nothing committed since the last
 * checkpoint, and cron sees success. `beforeExit` fires exactly then, and never after `process.exit`,
 * so the guard turns that drain into exit 1 with one stderr line and, once the extraction's logger
 * exists, a CRITICAL `extraction_failed` and a `run_complete` in the log.
 */
/** The part of `process` the guard uses; main.ts passes `process` itself. */
export interface ExitingProcess {
  on(event: 'beforeExit', listener: () => void): unknown;
  exit(code: number): void;
}

export interface DrainGuard {
  /** The command's promise settled: a later drain is a normal end. */
  settled(): void;
  /**
   * What to log if the loop drains (the extraction registers its logger's last words; null when
   * it has finished with the logger). Only the latest one is kept.
   */
  setLastWords(report: (() => void) | null): void;
}

/** D55's exit code for a drain: fatal, so alerts fire and the next cron run retries. */
const DRAIN_EXIT_CODE = 1;

export const DRAIN_MESSAGE =
  'the event loop drained before the command finished (a request or timer that never settled); ' +
  'work after the last checkpoint was not committed, the next run resumes from it';

export function guardAgainstDrain(
  proc: ExitingProcess,
  stderr: { write(text: string): unknown },
): DrainGuard {
  let done = false;
  let lastWords: (() => void) | null = null;
  proc.on('beforeExit', () => {
    if (done) return;
    done = true;
    try {
      lastWords?.();
    } catch {
      // The log is gone too; the stderr line and the exit code still say it.
    }
    try {
      stderr.write(`pmp-extractor: internal error: ${DRAIN_MESSAGE}\n`);
    } catch {
      // Nowhere left to say it: the exit code does.
    }
    proc.exit(DRAIN_EXIT_CODE);
  });
  return {
    settled: () => {
      done = true;
    },
    setLastWords: (report) => {
      lastWords = report;
    },
  };
}
