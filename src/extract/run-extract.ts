/**
 * One extraction run (D6): choose the snapshot, take a fresh token, check for drift,
 * page through the batch, sweep gaps once the pass has reached its end, then close the snapshot or
 * leave it for the next run. No process access: main.ts supplies deps, signal and options.
 */
import { DEFER_REASONS, isExtractorError } from '../platform/index.ts';
import { confirming } from './confirm-removals.ts';
import { reconcileDrift } from './drift.ts';
import { finish } from './finish.ts';
import { runGapSweep } from './gap-sweep.ts';
import { openSnapshot } from './open-snapshot.ts';
import { runPaging } from './paging.ts';
import type { ExtractDeps, ExtractOptions } from './ports.ts';
import { RunContext } from './run-context.ts';
import type { RunSummary } from './run-outcome.ts';
import { commitQuietly, deferred, fromPage, summarize } from './run-end.ts';

export async function runExtract(deps: ExtractDeps, options: ExtractOptions): Promise<RunSummary> {
  const choice = await openSnapshot({
    store: deps.store,
    logger: deps.logger,
    reset: options.reset,
    refreshAfterMs: options.refreshAfterMs,
    nowMs: deps.clock.nowMs(),
  });
  if (choice.kind === 'complete') {
    const checkpoint = requireCheckpoint(choice.checkpoint);
    deps.logger.withSnapshot(choice.snapshot.snapshot_id).emit('target_met', {
      systems_extracted: checkpoint.systems_extracted,
      total_systems: checkpoint.total_systems ?? checkpoint.systems_extracted,
      coverage_pct: checkpoint.coverage_pct,
      target_pct: options.targetPct,
      extracted_now: false,
    });
    const ctx = new RunContext(deps, options, choice.snapshot.snapshot_id, checkpoint);
    return summarize(ctx, 'already_complete', true);
  }
  const ctx = new RunContext(deps, options, choice.snapshotId, choice.checkpoint);
  try {
    await deps.tokens.startBatch(options.signal);
    ctx.log.emit('batch_start', {
      start_page: ctx.position.pass_complete ? ctx.position.last_page : ctx.position.last_page + 1,
      batch_pages: options.batchPages,
      target_pct: options.targetPct,
      resumed: choice.resumed,
      snapshot_status: 'partial',
    });
    deps.observer.runStarted({
      targetSystems: ctx.position.total_systems,
      targetPct: options.targetPct,
      startPage: ctx.position.last_page + 1,
      totalPages: ctx.position.total_pages,
    });
    if (choice.resumed && !ctx.position.pass_complete) {
      const drift = await reconcileDrift({
        store: deps.store,
        pages: ctx.pages,
        logger: ctx.log,
        snapshotId: ctx.snapshotId,
        lastPage: ctx.position.last_page,
        signal: options.signal,
      });
      ctx.applyDrift(drift);
    }
    const paging = await runPaging(ctx);
    if (paging.kind === 'defer') return await deferred(ctx, fromPage(paging.result));
    if (paging.kind === 'beyond_data') {
      await ctx.commit();
      return await finish(ctx, { errorType: 'total_beyond_data', message: paging.message });
    }
    // A pass confirming its removals (D85) only finishes its lookups: a sweep now could change what
    // was selected.
    if (ctx.position.pass_complete && !(await confirming(ctx))) {
      await ctx.commit();
      const sweep = await runGapSweep(ctx);
      if (sweep.kind === 'defer') return await deferred(ctx, fromPage(sweep.result));
    }
    await ctx.commit();
    // Awaited here, so that an abort or an auth error during a lookup reaches the catch below.
    return await finish(ctx);
  } catch (error) {
    if (options.signal.aborted) {
      const why: unknown = options.signal.reason;
      if (isExtractorError(why) && why.code === 'lock_held') {
        // Another run owns the database now: writing our older position could move its checkpoint back.
        ctx.log.emit('run_deferred', { reason: 'lock_held', retry_after_s: null, message: why.message });
        return summarize(ctx, 'interrupted', false);
      }
      return deferred(ctx, {
        reason: 'interrupted',
        retryAfterS: null,
        message: 'stopped by signal; state saved',
      });
    }
    const reason = isExtractorError(error) ? DEFER_REASONS[error.code] : undefined;
    if (reason !== undefined && error instanceof Error) {
      return deferred(ctx, { reason, retryAfterS: null, message: error.message });
    }
    await commitQuietly(ctx);
    throw error;
  }
}

function requireCheckpoint<T>(value: T | null): T {
  if (value === null) throw new Error('complete snapshot without a checkpoint row');
  return value;
}
