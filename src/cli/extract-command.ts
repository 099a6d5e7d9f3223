/**
 * `pmp-extractor` (one batch, or batches until complete with --until-complete): validated config,
 * the run lock, the store, then the loop; afterwards metrics, Slack flush and the post-extraction hook.
 */
import {
  budgetClientId,
  type CliOverrides,
  type Config,
  databaseLocation,
  LIMITS,
  resolveCredentials,
  secretValues,
} from '../config/index.ts';
import { type ExtractDeps, runExtract, type RunSummary } from '../extract/index.ts';
import { storeFailure, type Store } from '../store/index.ts';
import {
  composeRun,
  databaseFor,
  DRAIN_MESSAGE,
  finishRun,
  type HeldLock,
  openRunLogger,
  type ProcessIO,
  recordLastRun,
  reportRunFailure,
  writeRunMetrics,
} from '../app/index.ts';
import { EXIT, exitCodeForOutcome, type ExitCode } from './exit-codes.ts';
import { acquireLockOrDefer, releaseLock } from './lock.ts';

/** D6's checkpoint cadence, pages. */
const COMMIT_EVERY_PAGES = 10;
/** D6: sweeps of the open gaps before a below-target pass is closed. */
const MAX_GAP_SWEEPS = 3;
const HOUR_MS = 3_600_000;

export async function runExtractCommand(
  io: ProcessIO,
  flags: CliOverrides,
  reset: boolean,
): Promise<ExitCode> {
  const startMs = io.clock.nowMs();
  const logging = openRunLogger(io, flags);
  if (!logging.ok) {
    // D42: a configuration error still replaces the previous exit code, when the file is known.
    const { early, code } = logging;
    if (early.metricsFile !== null) {
      await writeRunMetrics({
        io,
        path: early.metricsFile,
        account: early.account,
        startMs,
        store: null,
        database: early.database === null ? null : databaseFor(early.database, io),
        lastRun: { exitCode: code, outcome: 'failed', pagesOk: 0, pagesFailed: 0, tokenRequests: 0 },
      });
    }
    return code;
  }
  const { config, logger, secrets } = logging;
  const database = databaseFor(databaseLocation(config), io);
  // Every run that logged run_start ends with run_complete, also when it never reached the loop.
  const endEarly = async (code: ExitCode, outcome: string, error: unknown = null): Promise<ExitCode> => {
    const durationMs = io.clock.nowMs() - startMs;
    logger.emit('run_complete', { exit_code: code, outcome, duration_ms: durationMs });
    await recordLastRun(io, database, store, { code, error, last: null });
    // Alerts key on the exit code: a run that never reached the loop must still update it, and the
    // database's state comes from the database, never as zeros (D42).
    if (config.metricsFile !== null) {
      await writeRunMetrics({
        io,
        path: config.metricsFile,
        account: config.account,
        startMs,
        store: null,
        database,
        lastRun: { exitCode: code, outcome, pagesOk: 0, pagesFailed: 0, tokenRequests: 0 },
      });
    }
    return code;
  };
  // D55: if the event loop drains before this command settles, the log still ends with the truth.
  io.drainGuard?.setLastWords(() => {
    logger.emit('extraction_failed', {
      error_type: 'internal_error',
      error_message: DRAIN_MESSAGE,
      exit_code: EXIT.fatal,
    });
    logger.emit('run_complete', {
      exit_code: EXIT.fatal,
      outcome: 'failed',
      duration_ms: io.clock.nowMs() - startMs,
    });
    logger.flush();
  });
  let store: Store | null = null;
  let heldLock: HeldLock | null = null;
  try {
    logger.emit('run_start', {
      command: reset ? 'reset' : 'extract',
      db_path: database.label,
      batch_pages: config.batchPages,
      target_pct: config.targetPct,
      version: io.version,
    });
    const credentials = resolveCredentials(io.env, { homeDir: io.homeDir });
    for (const secret of secretValues(credentials)) secrets.add(secret);
    const lockLost = new AbortController();
    const signal = AbortSignal.any([io.signal, lockLost.signal]);
    const lock = await acquireLockOrDefer(io, database, logger, lockLost);
    if (lock === null) return await endEarly(EXIT.deferred, 'deferred');
    heldLock = lock;
    // D104: PostgreSQL keeps the token budget per Zoho client id, shared by the accounts that use it.
    const openedStore = await database.open(budgetClientId(credentials));
    store = openedStore;
    const parts = await composeRun({ io, config, credentials, logger, secrets, store: openedStore });
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
      failure = storeFailure(error, database.label);
      code = reportRunFailure(logger, io, secrets, failure);
    } finally {
      parts.observer.stop();
    }
    const finalCode = await finishRun({
      io,
      config,
      logger,
      store: openedStore,
      summaries,
      code,
      startMs,
      ...parts,
    });
    await recordLastRun(io, database, openedStore, {
      code: finalCode,
      error: failure,
      last: summaries.at(-1) ?? null,
    });
    return finalCode;
  } catch (error) {
    const failure = storeFailure(error, database.label);
    return await endEarly(reportRunFailure(logger, io, secrets, failure), 'failed', failure);
  } finally {
    await store?.close();
    if (heldLock !== null) await releaseLock(heldLock, io, secrets);
    logger.flush();
    io.drainGuard?.setLastWords(null);
  }
}

/** One batch, or (--until-complete, D16) batches while each one makes progress and paging goes on. */
async function runBatches(
  deps: ExtractDeps,
  signal: AbortSignal,
  options: {
    config: Pick<
      Config,
      | 'batchPages'
      | 'targetPct'
      | 'untilComplete'
      | 'maxShrinkPct'
      | 'refreshHours'
      | 'keepSnapshots'
      | 'pageSize'
    >;
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
      pageSizing: {
        configured: options.config.pageSize,
        probeSize: LIMITS.autoPageSizeProbe,
        baseSize: LIMITS.autoPageSizeBase,
      },
      refreshAfterMs: Math.round(options.config.refreshHours * HOUR_MS),
      keepSnapshots: options.config.keepSnapshots,
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
