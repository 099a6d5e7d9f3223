/**
 * `pmp-extractor` (one batch, or batches until complete with --until-complete): validated config,
 * the run lock, the store, then the loop; afterwards metrics, Slack flush and the post-extraction hook.
 */
import { type CliOverrides, type Config, resolveCredentials, secretValues } from '../config/index.ts';
import { type ExtractDeps, runExtract, type RunSummary } from '../extract/index.ts';
import { ExtractorError } from '../platform/index.ts';
import { createRunMetrics } from '../observability/index.ts';
import { openStore, type Store } from '../store/index.ts';
import {
  composeRun,
  finishRun,
  openRunLogger,
  type ProcessIO,
  recordLastRun,
  reportRunFailure,
  writeMetricsQuietly,
} from '../app/index.ts';
import { EXIT, exitCodeForOutcome, type ExitCode } from './exit-codes.ts';
import { acquireLockOrDefer } from './lock.ts';

/** D6's checkpoint cadence, pages. */
const COMMIT_EVERY_PAGES = 10;
/** D6: sweeps of the open gaps before a below-target pass is closed. */
const MAX_GAP_SWEEPS = 3;

export async function runExtractCommand(
  io: ProcessIO,
  flags: CliOverrides,
  reset: boolean,
): Promise<ExitCode> {
  const logging = openRunLogger(io, flags);
  if (!logging.ok) return logging.code;
  const { config, logger, secrets } = logging;
  const startMs = io.clock.nowMs();
  // Every run that logged run_start ends with run_complete, also when it never reached the loop.
  const endEarly = async (code: ExitCode, outcome: string, error: unknown = null): Promise<ExitCode> => {
    const durationMs = io.clock.nowMs() - startMs;
    logger.emit('run_complete', { exit_code: code, outcome, duration_ms: durationMs });
    // Alerts key on the exit code: a run that never reached the loop must still update it.
    if (config.metricsFile !== null) await writeExitMetrics(config.metricsFile, code, durationMs, io);
    recordLastRun(io, config.dbPath, store, { code, error, last: null });
    return code;
  };
  let store: Store | null = null;
  let releaseLock: (() => Promise<void>) | null = null;
  try {
    logger.emit('run_start', {
      command: reset ? 'reset' : 'extract',
      db_path: config.dbPath,
      batch_pages: config.batchPages,
      target_pct: config.targetPct,
      version: io.version,
    });
    const credentials = resolveCredentials(io.env, { homeDir: io.homeDir });
    for (const secret of secretValues(credentials)) secrets.add(secret);
    const lockLost = new AbortController();
    const signal = AbortSignal.any([io.signal, lockLost.signal]);
    const lock = await acquireLockOrDefer(io, config.dbPath, logger, () => {
      lockLost.abort(
        new ExtractorError(
          'lock_held',
          'the run lock was taken over by another run; stopping without writing',
        ),
      );
    });
    if (lock === null) return await endEarly(EXIT.deferred, 'deferred');
    releaseLock = () => lock.release();
    const openedStore = openStore({ path: config.dbPath });
    store = openedStore;
    const parts = composeRun({ io, config, credentials, logger, secrets, store: openedStore });
    const summaries: RunSummary[] = [];
    let code: ExitCode;
    let failure: unknown = null;
    try {
      await runBatches(
        { ...parts, store: openedStore, clock: io.clock, logger },
        signal,
        { config, reset },
        summaries,
      );
      code = exitCodeForOutcome(lastOf(summaries).outcome);
    } catch (error) {
      failure = error;
      code = reportRunFailure(logger, io, secrets, error);
    } finally {
      parts.observer.stop();
    }
    await finishRun({ io, config, logger, store: openedStore, summaries, code, startMs, ...parts });
    recordLastRun(io, config.dbPath, openedStore, { code, error: failure, last: summaries.at(-1) ?? null });
    return code;
  } catch (error) {
    return await endEarly(reportRunFailure(logger, io, secrets, error), 'failed', error);
  } finally {
    store?.close();
    if (releaseLock !== null) await releaseLock();
    logger.flush();
  }
}

/** One batch, or (--until-complete, D16) batches while each one makes progress and paging goes on. */
async function runBatches(
  deps: ExtractDeps,
  signal: AbortSignal,
  options: {
    config: Pick<Config, 'batchPages' | 'targetPct' | 'untilComplete' | 'maxShrinkPct'>;
    reset: boolean;
  },
  summaries: RunSummary[],
): Promise<void> {
  for (let batch = 0; ; batch += 1) {
    const summary = await runExtract(deps, {
      batchPages: options.config.batchPages,
      targetPct: options.config.targetPct,
      commitEveryPages: COMMIT_EVERY_PAGES,
      maxGapSweeps: MAX_GAP_SWEEPS,
      maxShrinkPct: options.config.maxShrinkPct,
      reset: options.reset && batch === 0,
      signal,
    });
    summaries.push(summary);
    // Once the pass has reached its end, further gap sweeps belong to later runs (D6): sweeping again
    // seconds later would only burn the sweeps a transient outage needs hours to recover from.
    const passGoesOn = summary.outcome === 'batch_complete' && !summary.passComplete;
    if (!options.config.untilComplete || !passGoesOn || summary.pagesAttempted === 0) return;
  }
}

function lastOf<T>(items: readonly T[]): T {
  const last = items.at(-1);
  if (last === undefined) throw new Error('no batch ran');
  return last;
}

/** The exit code and duration of a run that ended before the loop (lock held, bad credentials). */
async function writeExitMetrics(
  path: string,
  code: ExitCode,
  durationMs: number,
  io: ProcessIO,
): Promise<void> {
  const metrics = createRunMetrics();
  metrics.setExitCode(code);
  metrics.setRunDurationSeconds(durationMs / 1000);
  await writeMetricsQuietly(path, metrics, io);
}
